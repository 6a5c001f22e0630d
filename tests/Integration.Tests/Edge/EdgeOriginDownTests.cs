using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Edge;

/// <summary>The origin process is killed after a pull through the edge; the edge keeps serving what it has.</summary>
public sealed class EdgeOriginDownTests : IDisposable
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    private CancellationToken Token => _timeout.Token;

    [Fact]
    public async Task Pull_OriginKilled_CachedContentServedToAuthorizedClientsAndTagGetsLastAnswer()
    {
        var index = _layout.AddIndex("stable");
        const string Repository = "edge/offline";
        await using var origin = await OriginProcess.StartAsync(null, Token);
        (await _skopeo.CopyAsync(index.Reference, origin.ImageReference(Repository, "stable"), null, origin.Access, all: true, preserveDigests: true, cancellationToken: Token)).EnsureSuccess();
        await using var edge = await EdgeServer.StartAsync(origin.BaseAddress, Token);
        var warm = _layout.NewPath("warm");
        (await _skopeo.CopyAsync(edge.ImageReference(Repository, "stable"), $"oci:{warm}:stable", edge.Access, null, all: true, cancellationToken: Token)).EnsureSuccess();

        origin.Kill();
        var offline = _layout.NewPath("offline");
        var pull = await _skopeo.CopyAsync(edge.ImageReference(Repository, "stable"), $"oci:{offline}:stable", edge.Access, null, all: true, cancellationToken: Token);
        using var client = edge.CreateHttpClient();
        var layer = index.Children[0].Layers[0];
        using var blob = await client.GetAsync($"v2/{Repository}/blobs/{layer.Digest}", Token);
        using var manifestRequest = new HttpRequestMessage(HttpMethod.Get, $"v2/{Repository}/manifests/{index.Children[1].ManifestDigest}");
        manifestRequest.Headers.Accept.ParseAdd(MediaTypeNames.OciManifest);
        using var manifest = await client.SendAsync(manifestRequest, Token);
        using var unknown = await client.GetAsync($"v2/{Repository}/blobs/sha256:{new string('0', 64)}", Token);

        // Other credentials have no cached authorization answer, and the origin cannot be asked.
        using var strangerRequest = new HttpRequestMessage(HttpMethod.Get, $"v2/{Repository}/blobs/{layer.Digest}");
        strangerRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("stranger:secret"u8));
        using var stranger = await client.SendAsync(strangerRequest, Token);

        pull.EnsureSuccess();
        Assert.Equal(index.ManifestDigest, OciLayoutReader.FindTagged(offline, "stable").Digest);
        EdgeOverOriginTests.AssertBlobsIntact(offline, index);
        Assert.True(await edge.MetricAsync("edge_stale_tag_answers_total", Token) >= 1, "the tag was not answered from the last known answer");
        Assert.Equal(HttpStatusCode.OK, blob.StatusCode);
        Assert.Equal(layer.Digest, OciLayoutBuilder.DigestOf(await blob.Content.ReadAsByteArrayAsync(Token)));
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal(index.Children[1].Manifest, await manifest.Content.ReadAsByteArrayAsync(Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stranger.StatusCode);
    }

    public void Dispose()
    {
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
    }
}
