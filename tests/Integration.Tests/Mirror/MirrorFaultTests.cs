using System.Net;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Edge;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.PullThrough;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>
/// Faults of the remote, injected by a <see cref="FaultProxy"/> between a mirror-mode edge and Debian's docker-registry
/// (aliased as <c>docker.io</c>): failures the retries absorb, bytes that do not match their digest, the remote gone.
/// </summary>
public sealed class MirrorFaultTests : IAsyncLifetime
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private DockerRegistryProcess _remote = null!;
    private FaultProxy _proxy = null!;
    private EdgeServer _edge = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _remote = await DockerRegistryProcess.StartAsync(new DockerRegistryOptions { Environment = AccessLog.Enabled }, Ct);
        _proxy = await FaultProxy.StartAsync(_remote.BaseAddress);
        _edge = await EdgeServer.StartAsync(
            MirrorFixture.NoOrigin,
            options => options with
            {
                Upstream = new UpstreamOptions
                {
                    Allowed = ["docker.io"],
                    Insecure = ["docker.io"],
                    Aliases = new Dictionary<string, string> { ["docker.io"] = $"http://{_proxy.Host}" },
                    RetryDelay = TimeSpan.FromMilliseconds(50),
                },
                Mirror = new MirrorOptions { Enabled = true, DefaultRegistry = "docker.io" },
            },
            Ct);
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _proxy.DisposeAsync();
        await _remote.DisposeAsync();
        _skopeo.Dispose();
        _layout.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Pull_RemoteAnswers500TwiceThenServes_PullSucceeds()
    {
        var image = await SeedAsync("flaky");
        _proxy.FailNextBlobGets(2);

        var pull = await TryPullAsync("library/flaky");

        Assert.True(pull.Layout is not null, pull.Result.ToString());
        Assert.Equal(2, _proxy.FailedBlobGets);
        Assert.All(image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(pull.Layout!, blob.Digest))));
    }

    [Fact]
    public async Task Pull_RemoteSendsBytesThatDoNotMatch_NeverStoredNorServedWhole()
    {
        var image = await SeedAsync("corrupt");
        var layer = image.Layers[0];
        _proxy.CorruptBlobs = true;

        var pull = await TryPullAsync("library/corrupt");
        using var client = _edge.CreateHttpClient();
        var received = await ReadAsMuchAsPossibleAsync(client, $"v2/library/corrupt/blobs/{layer.Digest}");

        Assert.Null(pull.Layout);
        Assert.True(received < layer.Size, $"the client received {received} of {layer.Size} bytes");
        Assert.Empty(CachedBlobs());

        _proxy.CorruptBlobs = false;
        var retry = await TryPullAsync("library/corrupt");
        Assert.True(retry.Layout is not null, retry.Result.ToString());
        Assert.All(image.AllBlobs, blob => Assert.Contains(blob.Digest[7..], CachedBlobs()));
    }

    [Fact]
    public async Task Pull_RemoteDown_CachedImageStillPulledAndUncachedBlobAClearError()
    {
        var image = await SeedAsync("steady");
        var other = await SeedAsync("uncached");
        Assert.NotNull((await TryPullAsync("library/steady")).Layout);

        await _remote.DisposeAsync();
        var again = await TryPullAsync("library/steady");
        using var client = _edge.CreateHttpClient();
        using var uncached = await client.GetAsync($"v2/library/uncached/blobs/{other.Layers[0].Digest}", Ct);

        Assert.True(again.Layout is not null, again.Result.ToString());
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(again.Layout!, "latest").Digest);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
        var body = await uncached.Content.ReadAsStringAsync(Ct);
        Assert.Contains("UNAVAILABLE", body, StringComparison.Ordinal);
        Assert.Contains("registry docker.io", body, StringComparison.Ordinal);
    }

    private async Task<GeneratedImage> SeedAsync(string name)
    {
        var image = _layout.AddImage(name, layerCount: 1, layerSize: 300 * 1024);
        (await _skopeo.CopyAsync(image.Reference, _remote.ImageReference($"library/{name}", "latest"), destinationAccess: _remote.Access, cancellationToken: Ct)).EnsureSuccess();
        return image;
    }

    private async Task<(string? Layout, ProcessResult Result)> TryPullAsync(string repository)
    {
        var layout = _layout.NewPath("pulled");
        var result = await _skopeo.CopyAsync(_edge.ImageReference(repository, "latest"), $"oci:{layout}:latest", sourceAccess: _edge.Access, cancellationToken: Ct);
        return (result.Succeeded ? layout : null, result);
    }

    private IReadOnlyList<string> CachedBlobs()
    {
        var directory = Path.Combine(_edge.CacheDirectory, "mirror-blobs");
        return Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).ToList() : [];
    }

    private async Task<long> ReadAsMuchAsPossibleAsync(HttpClient client, string path)
    {
        long received = 0;
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
            await using var body = await response.Content.ReadAsStreamAsync(Ct);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, Ct)) > 0)
            {
                received += read;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The edge aborts the response: what arrived before is what counts.
        }

        return received;
    }
}
