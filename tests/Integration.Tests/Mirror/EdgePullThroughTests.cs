using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Edge;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.PullThrough;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>
/// Pull-through at the edge: our origin imports <c>docker.io/library/imported</c> (Debian's docker-registry behind the
/// alias) into <c>team/imported</c>, and skopeo pulls it through an edge in front of the origin. The edge asks the
/// origin for the image stream and fetches the blobs from the remote itself: the origin sends no blob bytes.
/// </summary>
public sealed class EdgePullThroughTests : IAsyncLifetime
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private DockerRegistryProcess _remote = null!;
    private OriginProcess _origin = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _remote = await DockerRegistryProcess.StartAsync(new DockerRegistryOptions { Environment = AccessLog.Enabled }, Ct);
        _origin = await OriginProcess.StartAsync(
            new Harness.OriginOptions { ExtraYaml = $"upstream:\n  allowed: [docker.io]\n  insecure: [docker.io]\n  aliases:\n    docker.io: http://{_remote.Host}\n  retrydelay: 50ms" },
            Ct);
    }

    public async Task DisposeAsync()
    {
        await _origin.DisposeAsync();
        await _remote.DisposeAsync();
        _skopeo.Dispose();
        _layout.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Pull_ImportedImageThroughEdge_BlobsFromTheRemoteOnceAndNoneFromTheOrigin()
    {
        var image = await ImportAsync("imported");
        await using var edge = await StartEdgeAsync(allowed: ["docker.io"]);
        var before = await OriginCounters.ReadAsync(_origin, Ct);

        var first = await PullAsync(edge, "team/imported");
        var second = await PullAsync(edge, "team/imported");

        foreach (var layout in new[] { first, second })
        {
            Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(layout, "latest").Digest);
            Assert.All(image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest))));
        }

        foreach (var blob in image.AllBlobs)
        {
            Assert.Equal(1, await AccessLog.BlobGetsAsync(() => _remote.Output, "library/imported", blob.Digest));
        }

        var after = await OriginCounters.ReadAsync(_origin, Ct);
        Assert.Equal(before.BlobBytesSent, after.BlobBytesSent);
        Assert.Equal(image.AllBlobs.Count, await edge.MetricAsync("edge_pullthrough_fills_total{source=\"remote\"}", Ct));
    }

    [Fact]
    public async Task Pull_RemoteOffTheEdgesAllowlist_OriginPullsThroughInstead()
    {
        var image = await ImportAsync("guarded");
        await using var edge = await StartEdgeAsync(allowed: ["quay.io"]);

        var layout = await PullAsync(edge, "team/guarded");

        Assert.All(image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest))));
        Assert.Equal(image.AllBlobs.Count, await edge.MetricAsync("edge_pullthrough_fills_total{source=\"origin\"}", Ct));
        Assert.Equal(0, await edge.MetricAsync("edge_pullthrough_fills_total{source=\"remote\"}", Ct));
    }

    private async Task<GeneratedImage> ImportAsync(string name)
    {
        var image = _layout.AddImage(name, layerCount: 2, layerSize: 200 * 1024);
        (await _skopeo.CopyAsync(image.Reference, _remote.ImageReference($"library/{name}", "latest"), destinationAccess: _remote.Access, cancellationToken: Ct)).EnsureSuccess();
        await AdminCli.RunCheckedAsync(_origin.ConfigPath, Ct, "import-image", $"team/{name}", "--from", $"docker.io/library/{name}:latest");
        return image;
    }

    private Task<EdgeServer> StartEdgeAsync(IReadOnlyList<string> allowed) =>
        EdgeServer.StartAsync(
            _origin.BaseAddress,
            options => options with
            {
                Upstream = new UpstreamOptions
                {
                    Allowed = allowed,
                    Insecure = ["docker.io"],
                    Aliases = new Dictionary<string, string> { ["docker.io"] = $"http://{_remote.Host}" },
                    RetryDelay = TimeSpan.FromMilliseconds(50),
                },
            },
            Ct);

    private async Task<string> PullAsync(EdgeServer edge, string repository)
    {
        var layout = _layout.NewPath("pulled");
        var result = await _skopeo.CopyAsync(edge.ImageReference(repository, "latest"), $"oci:{layout}:latest", sourceAccess: edge.Access, cancellationToken: Ct);
        Assert.True(result.Succeeded, result + _origin.Output);
        return layout;
    }
}
