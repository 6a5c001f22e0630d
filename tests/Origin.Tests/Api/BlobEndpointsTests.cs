using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Origin.Api;

namespace EdgeRegistry.Origin.Tests.Api;

public sealed class BlobEndpointsTests : IAsyncLifetime
{
    private TestOrigin origin = null!;

    private HttpClient Client => origin.Client;

    public async Task InitializeAsync() => origin = await TestOrigin.StartAsync();

    public async Task DisposeAsync() => await origin.DisposeAsync();

    [Fact]
    public async Task GetBase_Always_ReturnsApiVersionHeader()
    {
        using var response = await Client.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());
    }

    [Fact]
    public async Task Get_PushedBlob_ReturnsBytesAndDigestHeaders()
    {
        var bytes = RegistryCalls.RandomBytes(70_000);
        var digest = await Client.PushBlobAsync("library/app", bytes);

        using var response = await Client.GetAsync($"/v2/library/app/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task Get_FirstRequestOnFreshConnectionsWithSendfile_SendsEveryByteAndCloses()
    {
        await using var sending = await TestOrigin.StartAsync(new RegistryApiOptions { SendfileEnabled = true });
        var bytes = RegistryCalls.RandomBytes(24 * 1024 * 1024);
        var digest = await sending.Client.PushBlobAsync("library/big", bytes);

        for (var i = 0; i < 8; i++)
        {
            // A new client is a new connection, so the blob GET is its first request: the sendfile path.
            using var fresh = new HttpClient { BaseAddress = sending.BaseAddress };
            using var response = await fresh.GetAsync($"/v2/library/big/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.ConnectionClose);
            Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(digest, RegistryCalls.DigestOf(await response.Content.ReadAsByteArrayAsync()));
        }
    }

    [Fact]
    public async Task Get_FirstRequestOnFreshConnectionByDefault_SendsEveryByteAndKeepsAlive()
    {
        var bytes = RegistryCalls.RandomBytes(5 * 1024 * 1024);
        var digest = await Client.PushBlobAsync("library/big", bytes);

        using var fresh = new HttpClient { BaseAddress = origin.BaseAddress };
        using var response = await fresh.GetAsync($"/v2/library/big/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.ConnectionClose);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_SecondRequestOnConnection_IsServedThroughKestrelAndKeepsAlive()
    {
        var bytes = RegistryCalls.RandomBytes(3 * 1024 * 1024);
        var digest = await Client.PushBlobAsync("library/big", bytes);

        using var response = await Client.GetAsync($"/v2/library/big/blobs/{digest}");
        Assert.NotEqual(true, response.Headers.ConnectionClose);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_PushedBlob_ReturnsLengthWithoutBody()
    {
        var bytes = RegistryCalls.RandomBytes(1234);
        var digest = await Client.PushBlobAsync("library/app", bytes);

        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/library/app/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1234, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("bytes=990-", 990, 10)]
    [InlineData("bytes=-5", 995, 5)]
    [InlineData("bytes=500-5000", 500, 500)]
    public async Task Get_Range_ReturnsPartialContent(string range, int start, int length)
    {
        var bytes = RegistryCalls.RandomBytes(1000);
        var digest = await Client.PushBlobAsync("library/app", bytes);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/app/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);

        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(bytes.AsSpan(start, length).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes {start}-{start + length - 1}/1000", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Get_RangePastEnd_Returns416WithSize()
    {
        var digest = await Client.PushBlobAsync("library/app", RegistryCalls.RandomBytes(100));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/app/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", "bytes=100-200");

        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */100", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Get_IfNoneMatchDigest_Returns304()
    {
        var digest = await Client.PushBlobAsync("library/app", RegistryCalls.RandomBytes(100));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/library/app/blobs/{digest}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{digest}\""));

        using var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Get_BlobLinkedOnlyInAnotherRepository_ReturnsBlobUnknown()
    {
        var digest = await Client.PushBlobAsync("team-a/app", RegistryCalls.RandomBytes(100));

        using var response = await Client.GetAsync($"/v2/team-b/app/blobs/{digest}");
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("nodigest")]
    public async Task Get_InvalidDigest_ReturnsDigestInvalid(string digest)
    {
        using var response = await Client.GetAsync($"/v2/library/app/blobs/{digest}");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Theory]
    [InlineData("Library/App")]
    [InlineData("library/app..x")]
    [InlineData("library/app/")]
    [InlineData("library//app")]
    [InlineData("-leading/app")]
    public async Task Get_InvalidName_ReturnsNameInvalid(string name)
    {
        using var response = await Client.GetAsync($"/v2/{name}/tags/list");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Fact]
    public async Task Get_NameOver255Characters_ReturnsNameInvalid()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('a', 50), 6));
        using var response = await Client.GetAsync($"/v2/{name}/tags/list");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Fact]
    public async Task Delete_LinkedBlob_Returns202ThenBlobUnknown()
    {
        var digest = await Client.PushBlobAsync("library/app", RegistryCalls.RandomBytes(100));

        using var deleted = await Client.DeleteAsync($"/v2/library/app/blobs/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        using var after = await Client.GetAsync($"/v2/library/app/blobs/{digest}");
        await after.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Get_UnknownPath_Returns404WithErrorBody()
    {
        using var response = await Client.GetAsync("/v2/library/app/nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
