using System.Net;
using System.Text.Json;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Tests.Errors;

public sealed class ErrorBodyTests
{
    [Fact]
    public void Serialize_WithDetail_SpecShape()
    {
        var body = ErrorBody.Serialize("BLOB_UNKNOWN", "blob unknown to registry", new { digest = "sha256:abc" });

        using var document = JsonDocument.Parse(body);
        var errors = document.RootElement.GetProperty("errors");
        Assert.Equal(JsonValueKind.Array, errors.ValueKind);
        var error = Assert.Single(errors.EnumerateArray());
        Assert.Equal("BLOB_UNKNOWN", error.GetProperty("code").GetString());
        Assert.Equal("blob unknown to registry", error.GetProperty("message").GetString());
        Assert.Equal("sha256:abc", error.GetProperty("detail").GetProperty("digest").GetString());
        Assert.Equal(["code", "message", "detail"], error.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Serialize_WithoutDetail_OmitsDetail()
    {
        var body = ErrorBody.Serialize("UNAUTHORIZED", "authentication required");

        Assert.Equal("""{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""", System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Serialize_RegistryException_UsesCodeMessageAndDetail()
    {
        var exception = new RegistryException(ErrorCode.NameInvalid, "bad name", new { name = "Bad" });

        using var document = JsonDocument.Parse(ErrorBody.Serialize(exception));

        var error = document.RootElement.GetProperty("errors")[0];
        Assert.Equal("NAME_INVALID", error.GetProperty("code").GetString());
        Assert.Equal("bad name", error.GetProperty("message").GetString());
        Assert.Equal("Bad", error.GetProperty("detail").GetProperty("name").GetString());
    }

    [Fact]
    public void Serialize_ExceptionWithoutMessage_UsesCatalogMessage()
    {
        var exception = new RegistryException(ErrorCode.ManifestUnknown);

        using var document = JsonDocument.Parse(ErrorBody.Serialize(exception));

        Assert.Equal("manifest unknown to registry", document.RootElement.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, exception.Error.Status);
    }

    [Fact]
    public void Serialize_SeveralExceptions_OneEntryEach()
    {
        var body = ErrorBody.Serialize(
        [
            new RegistryException(ErrorCode.ManifestBlobUnknown, null, new { digest = "sha256:1" }),
            new RegistryException(ErrorCode.ManifestBlobUnknown, null, new { digest = "sha256:2" }),
        ]);

        using var document = JsonDocument.Parse(body);
        var errors = document.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("MANIFEST_BLOB_UNKNOWN", e.GetProperty("code").GetString()));
        Assert.Equal(["sha256:1", "sha256:2"], errors.Select(e => e.GetProperty("detail").GetProperty("digest").GetString()));
    }

    [Theory]
    [InlineData("BLOB_UNKNOWN", HttpStatusCode.NotFound)]
    [InlineData("BLOB_UPLOAD_INVALID", HttpStatusCode.BadRequest)]
    [InlineData("BLOB_UPLOAD_UNKNOWN", HttpStatusCode.NotFound)]
    [InlineData("DIGEST_INVALID", HttpStatusCode.BadRequest)]
    [InlineData("MANIFEST_BLOB_UNKNOWN", HttpStatusCode.BadRequest)]
    [InlineData("MANIFEST_INVALID", HttpStatusCode.BadRequest)]
    [InlineData("MANIFEST_UNKNOWN", HttpStatusCode.NotFound)]
    [InlineData("NAME_INVALID", HttpStatusCode.BadRequest)]
    [InlineData("NAME_UNKNOWN", HttpStatusCode.NotFound)]
    [InlineData("SIZE_INVALID", HttpStatusCode.BadRequest)]
    [InlineData("UNAUTHORIZED", HttpStatusCode.Unauthorized)]
    [InlineData("DENIED", HttpStatusCode.Forbidden)]
    [InlineData("UNSUPPORTED", HttpStatusCode.MethodNotAllowed)]
    [InlineData("TOOMANYREQUESTS", HttpStatusCode.TooManyRequests)]
    public void Catalog_SpecCode_HasSpecStatus(string code, HttpStatusCode status)
    {
        var entries = typeof(ErrorCode).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (ErrorCode)f.GetValue(null)!)
            .Where(e => e.Code == code && e.Status == status);

        Assert.NotEmpty(entries);
    }
}
