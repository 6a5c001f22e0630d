using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeRegistry.Origin.Tests.Api;

public sealed class UploadEndpointsTests : IAsyncLifetime
{
    private TestOrigin origin = null!;

    private HttpClient Client => origin.Client;

    public async Task InitializeAsync() => origin = await TestOrigin.StartAsync();

    public async Task DisposeAsync() => await origin.DisposeAsync();

    [Fact]
    public async Task Post_Start_Returns202WithLocationRangeAndUuid()
    {
        using var response = await Client.PostAsync("/v2/library/app/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/v2/library/app/blobs/uploads/", location);
        Assert.Equal("0-0", response.Headers.GetValues("Range").Single());
        Assert.EndsWith(response.Headers.GetValues("Docker-Upload-UUID").Single(), location);
    }

    [Fact]
    public async Task PostThenPut_WholeBody_CreatesBlob()
    {
        var bytes = RegistryCalls.RandomBytes(300_000);
        var digest = RegistryCalls.DigestOf(bytes);
        var location = await Client.StartUploadAsync("library/app");

        using var put = await Client.PutAsync(RegistryCalls.AppendQuery(location, $"digest={digest}"), new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/library/app/blobs/{digest}", put.Headers.Location!.OriginalString);
        Assert.Equal(digest, put.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(bytes, await Client.GetByteArrayAsync($"/v2/library/app/blobs/{digest}"));
    }

    [Fact]
    public async Task Patch_ChunksInOrder_ReportRangeAndCompleteWithLastChunk()
    {
        var bytes = RegistryCalls.RandomBytes(250_000);
        var digest = RegistryCalls.DigestOf(bytes);
        var location = await Client.StartUploadAsync("library/app");

        using var first = await Client.PatchAsync(location, RegistryCalls.Chunk(bytes[..100_000], 0));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("0-99999", first.Headers.GetValues("Range").Single());
        location = first.Headers.Location!.OriginalString;

        using var second = await Client.PatchAsync(location, RegistryCalls.Chunk(bytes[100_000..200_000], 100_000));
        Assert.Equal("0-199999", second.Headers.GetValues("Range").Single());

        using var status = await Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-199999", status.Headers.GetValues("Range").Single());

        using var put = await Client.PutAsync(RegistryCalls.AppendQuery(location, $"digest={digest}"), RegistryCalls.Chunk(bytes[200_000..], 200_000));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(bytes, await Client.GetByteArrayAsync($"/v2/library/app/blobs/{digest}"));
    }

    [Fact]
    public async Task Patch_OutOfOrderChunk_Returns416AndKeepsOffset()
    {
        var location = await Client.StartUploadAsync("library/app");
        using var first = await Client.PatchAsync(location, RegistryCalls.Chunk(new byte[100], 0));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var skipped = await Client.PatchAsync(location, RegistryCalls.Chunk(new byte[100], 200));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, skipped.StatusCode);
        using var repeated = await Client.PatchAsync(location, RegistryCalls.Chunk(new byte[100], 0));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, repeated.StatusCode);

        using var status = await Client.GetAsync(location);
        Assert.Equal("0-99", status.Headers.GetValues("Range").Single());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("10-5")]
    [InlineData("-5")]
    public async Task Patch_MalformedContentRange_Returns416(string contentRange)
    {
        var location = await Client.StartUploadAsync("library/app");
        var content = new ByteArrayContent(new byte[10]);
        content.Headers.TryAddWithoutValidation("Content-Range", contentRange);

        using var response = await Client.PatchAsync(location, content);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
    }

    [Fact]
    public async Task Patch_ContentRangeLengthDisagreesWithBody_Returns416()
    {
        var location = await Client.StartUploadAsync("library/app");
        var content = new ByteArrayContent(new byte[10]);
        content.Headers.TryAddWithoutValidation("Content-Range", "0-19");

        using var response = await Client.PatchAsync(location, content);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
    }

    [Fact]
    public async Task Put_DigestMismatch_ReturnsDigestInvalidAndNoBlob()
    {
        var bytes = RegistryCalls.RandomBytes(1000);
        var wrong = RegistryCalls.DigestOf(RegistryCalls.RandomBytes(10));
        var location = await Client.StartUploadAsync("library/app");

        using var put = await Client.PutAsync(RegistryCalls.AppendQuery(location, $"digest={wrong}"), new ByteArrayContent(bytes));
        await put.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/library/app/blobs/{wrong}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using var actual = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/library/app/blobs/{RegistryCalls.DigestOf(bytes)}"));
        Assert.Equal(HttpStatusCode.NotFound, actual.StatusCode);
    }

    [Fact]
    public async Task Post_MonolithicDigestMismatch_ReturnsDigestInvalid()
    {
        var wrong = RegistryCalls.DigestOf([1, 2, 3]);
        using var response = await Client.PostAsync($"/v2/library/app/blobs/uploads/?digest={wrong}", new ByteArrayContent([4, 5, 6]));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Theory]
    [InlineData("")]
    [InlineData("digest=sha256:1234")]
    [InlineData("digest=sha999:0000")]
    public async Task Put_MissingOrInvalidDigest_ReturnsDigestInvalid(string query)
    {
        var location = await Client.StartUploadAsync("library/app");
        using var put = await Client.PutAsync(query.Length == 0 ? location : RegistryCalls.AppendQuery(location, query), new ByteArrayContent([1]));
        await put.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task AnyMethod_UnknownUploadId_ReturnsBlobUploadUnknown(string method)
    {
        var digest = RegistryCalls.DigestOf([1]);
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v2/library/app/blobs/uploads/0123456789abcdef0123456789abcdef?digest={digest}");
        if (method is "PATCH" or "PUT")
        {
            request.Content = new ByteArrayContent([1]);
        }

        using var response = await Client.SendAsync(request);
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task Patch_AfterCompletion_ReturnsBlobUploadUnknown()
    {
        var bytes = RegistryCalls.RandomBytes(10);
        var location = await Client.StartUploadAsync("library/app");
        using var put = await Client.PutAsync(RegistryCalls.AppendQuery(location, $"digest={RegistryCalls.DigestOf(bytes)}"), new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var patch = await Client.PatchAsync(location, new ByteArrayContent(bytes));
        await patch.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task Delete_Session_Returns204ThenUnknown()
    {
        var location = await Client.StartUploadAsync("library/app");
        using var deleted = await Client.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var status = await Client.GetAsync(location);
        await status.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task Get_SessionOfAnotherRepository_ReturnsBlobUploadUnknown()
    {
        var location = await Client.StartUploadAsync("library/app");
        var other = location.Replace("library/app", "library/other", StringComparison.Ordinal);
        using var status = await Client.GetAsync(other);
        await status.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task Post_MountFromRepositoryThatHasBlob_Returns201()
    {
        var digest = await Client.PushBlobAsync("team-a/base", RegistryCalls.RandomBytes(500));

        using var mount = await Client.PostAsync($"/v2/team-b/app/blobs/uploads/?mount={digest}&from=team-a/base", null);
        Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
        Assert.Equal($"/v2/team-b/app/blobs/{digest}", mount.Headers.Location!.OriginalString);
        using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/team-b/app/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Post_MountFromRepositoryWithoutBlob_FallsBackToSession()
    {
        var digest = await Client.PushBlobAsync("team-a/base", RegistryCalls.RandomBytes(500));

        using var mount = await Client.PostAsync($"/v2/team-b/app/blobs/uploads/?mount={digest}&from=team-c/none", null);
        Assert.Equal(HttpStatusCode.Accepted, mount.StatusCode);
        Assert.Contains("/blobs/uploads/", mount.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Put_ContentLengthLongerThanBody_IsRefusedAndNoBlobAppears()
    {
        var bytes = RegistryCalls.RandomBytes(50);
        var digest = RegistryCalls.DigestOf(bytes);
        var location = await Client.StartUploadAsync("library/app");

        // HttpClient will not send a lying Content-Length; a raw socket will.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(origin.BaseAddress.Host, origin.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"PUT {RegistryCalls.AppendQuery(location, $"digest={digest}")} HTTP/1.1\r\nHost: {origin.BaseAddress.Authority}\r\nContent-Length: 100\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
        tcp.Client.Shutdown(SocketShutdown.Send);
        var text = await ReadAnswerAsync(stream);
        // Kestrel either answers 400 or resets the connection; what matters is that it is not a success.
        Assert.False(text.StartsWith("HTTP/1.1 201", StringComparison.Ordinal), text);

        using var blob = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/library/app/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.NotFound, blob.StatusCode);
    }

    [Fact]
    public async Task Post_ConcurrentUploadsOfSameBlob_AllSucceedAndBlobVerifies()
    {
        var bytes = RegistryCalls.RandomBytes(2_000_000);
        var digest = RegistryCalls.DigestOf(bytes);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await Client.PostAsync($"/v2/library/app{i % 2}/blobs/uploads/?digest={digest}", new ByteArrayContent(bytes));
            return response.StatusCode;
        }));
        Assert.All(results, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(bytes, await Client.GetByteArrayAsync($"/v2/library/app0/blobs/{digest}"));
        Assert.Equal(bytes, await Client.GetByteArrayAsync($"/v2/library/app1/blobs/{digest}"));
    }

    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        var answer = new byte[4096];
        try
        {
            var read = await stream.ReadAsync(answer);
            return Encoding.ASCII.GetString(answer, 0, read);
        }
        catch (IOException exception)
        {
            return "reset: " + exception.Message;
        }
    }
}
