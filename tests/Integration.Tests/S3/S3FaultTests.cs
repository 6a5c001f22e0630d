using System.Net;
using System.Text.Json;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Origin.Tests.Storage.S3;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Integration.Tests.S3;

/// <summary>
/// The seed's known issue 3.6.4 (pushes failing with 500 when S3 errors): an origin process whose S3 fails
/// requests, or goes away, keeps every push it acknowledges whole and answers 503 instead of corrupting.
/// </summary>
public sealed class S3FaultTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    private readonly CancellationTokenSource timeout = new(TimeSpan.FromMinutes(4));
    private S3rverServer? s3rver;

    private S3rverServer S3rver => s3rver!;

    public async Task InitializeAsync()
    {
        s3rver = await S3rverServer.StartAsync(S3OriginEnvironment.Bucket, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (s3rver is not null)
        {
            await s3rver.DisposeAsync();
        }

        timeout.Dispose();
    }

    [Fact]
    public async Task SkopeoPush_S3Answers500OnSomeRequests_PushAndPullSucceedThroughRetries()
    {
        await using var proxy = await S3FaultProxy.StartAsync(S3rver.Endpoint);
        await using var origin = await OriginProcess.StartAsync(
            new OriginOptions { Environment = S3OriginEnvironment.For(proxy.Endpoint, "/faults", redirect: false) },
            timeout.Token);
        using var layout = new OciLayoutBuilder();
        using var skopeo = new Skopeo();
        // Layers above one chunk, so that parts, partial records and completions all meet failures.
        var image = layout.AddImage("v1", layerCount: 2, layerSize: (6 * MiB) + 5);
        proxy.FailNext(2, request => HttpMethods.IsPut(request.Method) && request.Query.ContainsKey("partNumber"));
        proxy.FailNext(1, request => HttpMethods.IsPost(request.Method) && request.Query.ContainsKey("uploadId"));
        proxy.FailNext(2, request => HttpMethods.IsPut(request.Method) && !request.Query.ContainsKey("partNumber"));
        proxy.FailNext(2, request => HttpMethods.IsHead(request.Method));

        var pushed = await skopeo.CopyAsync(image.Reference, origin.ImageReference("faults/image", "v1"), destinationAccess: origin.Access, preserveDigests: true, cancellationToken: timeout.Token);
        proxy.FailNext(2, request => HttpMethods.IsGet(request.Method));
        var outLayout = layout.NewPath("out");
        var pulled = await skopeo.CopyAsync(origin.ImageReference("faults/image", "v1"), $"oci:{outLayout}:v1", sourceAccess: origin.Access, preserveDigests: true, cancellationToken: timeout.Token);

        pushed.EnsureSuccess();
        pulled.EnsureSuccess();
        Assert.Equal(9, proxy.Failed);
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(outLayout, "v1").Digest);
        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(outLayout, blob.Digest)));
        }

        Assert.Contains("InternalError (500)", origin.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_S3Down_Answer503WithALogLineAndNothingPartialBecomesVisible()
    {
        await using var origin = await OriginProcess.StartAsync(
            new OriginOptions { Environment = S3OriginEnvironment.For(S3rver.Endpoint, "/down", redirect: false) },
            timeout.Token);
        using var client = origin.CreateHttpClient();
        var stored = BlobUploads.Pattern(50_000, 1);
        var storedDigest = BlobUploads.DigestOf(stored);
        await BlobUploads.PushAsync(client, "down/repo", stored, timeout.Token);
        var unfinished = BlobUploads.Pattern((6 * MiB) + 3, 2);
        var unfinishedDigest = BlobUploads.DigestOf(unfinished);
        var location = await BlobUploads.StartAsync(client, "down/repo", timeout.Token);
        using (var patched = await BlobUploads.PatchAsync(client, location, unfinished, 0, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
        }

        S3rver.Kill();
        using var read = await client.GetAsync($"v2/down/repo/blobs/{storedDigest}", timeout.Token);
        using var completed = await BlobUploads.CompleteAsync(client, location, unfinishedDigest, timeout.Token);
        using var notReady = await client.GetAsync("readyz", timeout.Token);
        await S3rver.RestartAsync(timeout.Token);
        using var unfinishedAfter = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/down/repo/blobs/{unfinishedDigest}"), timeout.Token);
        using var ready = await client.GetAsync("readyz", timeout.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.Equal("UNAVAILABLE", await ErrorCodeAsync(read));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, completed.StatusCode);
        Assert.Equal("UNAVAILABLE", await ErrorCodeAsync(completed));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Matches($"S3 GetObject of down/docker/registry/v2/blobs/sha256/{storedDigest[7..9]}/{storedDigest[7..]}/data in bucket registry failed for good", origin.Output);
        Assert.Equal(HttpStatusCode.NotFound, unfinishedAfter.StatusCode);
        Assert.Equal(stored, await client.GetByteArrayAsync($"v2/down/repo/blobs/{storedDigest}", timeout.Token));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
        return body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString();
    }
}
