using System.Net;
using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>The remote (Debian's docker-registry as <c>docker.io</c>) is killed after the origin mirrored one image of two.</summary>
public sealed class RemoteDownTests : IAsyncLifetime
{
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private DockerRegistryProcess _remote = null!;
    private OriginProcess _origin = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _remote = await DockerRegistryProcess.StartAsync(null, Ct);
        _origin = await OriginProcess.StartAsync(
            new OriginOptions
            {
                ExtraYaml = $"upstream:\n  allowed: [docker.io]\n  insecure: [docker.io]\n  aliases:\n    docker.io: http://{_remote.Host}\n  retries: 1\n  retrydelay: 50ms",
            },
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
    public async Task Pull_RemoteDown_MirroredImageServedOtherGetsAClearError()
    {
        var cached = await ImportAsync("cached");
        var uncached = await ImportAsync("uncached");
        (await PullAsync("team/cached")).EnsureSuccess();

        _remote.Kill();
        var again = await PullAsync("team/cached");
        var missing = await PullAsync("team/uncached");
        using var client = _origin.CreateHttpClient();
        using var response = await client.GetAsync($"/v2/team/uncached/blobs/{uncached.Layers[0].Digest}", Ct);

        Assert.True(again.Succeeded, again.ToString());
        Assert.False(missing.Succeeded);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"UNAVAILABLE\"", body, StringComparison.Ordinal);
        Assert.Contains("registry docker.io cannot be reached", body, StringComparison.Ordinal);
        Assert.NotEqual(cached.ManifestDigest, uncached.ManifestDigest);
    }

    private async Task<GeneratedImage> ImportAsync(string name)
    {
        var image = _layout.AddImage(name, layerCount: 1, layerSize: 100 * 1024);
        (await _skopeo.CopyAsync(image.Reference, _remote.ImageReference($"library/{name}", "latest"), destinationAccess: _remote.Access, cancellationToken: Ct)).EnsureSuccess();
        await AdminCli.RunCheckedAsync(_origin.ConfigPath, Ct, "import-image", $"team/{name}", "--from", $"docker.io/library/{name}:latest");
        return image;
    }

    private Task<ProcessResult> PullAsync(string repository) =>
        _skopeo.CopyAsync(_origin.ImageReference(repository, "latest"), $"oci:{_layout.NewPath("pulled")}:latest", sourceAccess: _origin.Access, cancellationToken: Ct);
}
