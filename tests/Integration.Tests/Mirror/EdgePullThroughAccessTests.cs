using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Edge;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.PullThrough;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>
/// Pull-through at the edge in front of an origin with its access model on and the default Bearer challenge: skopeo
/// logs in as <c>viewer</c> (a registry-viewer of <c>team</c>) and pulls with registry tokens, which the origin's API
/// does not take. With <c>pullThrough.tokenFile</c> (an access token of the same viewer) the edge reads the image
/// stream itself and fetches from the remote; without it the misses go to the origin, which pulls through.
/// </summary>
public sealed class EdgePullThroughAccessTests : IAsyncLifetime
{
    private const string ViewerPassword = "viewer-Pa55-word";

    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly TempDirectory _directory = new("edge-pullthrough-access-");
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private DockerRegistryProcess _remote = null!;
    private OriginProcess _origin = null!;
    private GeneratedImage _image = null!;
    private string _tokenFile = null!;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _remote = await DockerRegistryProcess.StartAsync(new DockerRegistryOptions { Environment = AccessLog.Enabled }, Ct);
        _image = _layout.AddImage("latest", layerCount: 2, layerSize: 150 * 1024);
        (await _skopeo.CopyAsync(_image.Reference, _remote.ImageReference("library/secured", "latest"), destinationAccess: _remote.Access, cancellationToken: Ct)).EnsureSuccess();

        var htpasswd = _directory.Combine("users.htpasswd");
        HtpasswdFile.Write(htpasswd, new Dictionary<string, string> { ["viewer"] = ViewerPassword });
        _origin = await OriginProcess.StartAsync(
            new Harness.OriginOptions
            {
                ExtraYaml = $"auth:\n  openshift:\n    realm: openshift\n    htpasswd:\n      path: '{htpasswd}'\n"
                    + $"upstream:\n  allowed: [docker.io]\n  insecure: [docker.io]\n  aliases:\n    docker.io: http://{_remote.Host}\n  retrydelay: 50ms",
            },
            Ct);
        var config = _origin.ConfigPath;
        await AdminCli.RunCheckedAsync(config, Ct, "create-project", "team");
        await AdminCli.RunCheckedAsync(config, Ct, "policy", "add-role-to-user", "system:registry", "viewer");
        await AdminCli.RunCheckedAsync(config, Ct, "policy", "add-role-to-user", "registry-viewer", "viewer", "-n", "team");
        await AdminCli.RunCheckedAsync(config, Ct, "import-image", "team/secured", "--from", "docker.io/library/secured:latest");
        _tokenFile = _directory.Combine("edge-token");
        await File.WriteAllTextAsync(_tokenFile, await AdminCli.RunCheckedAsync(config, Ct, "token", "viewer"), Ct);
    }

    public async Task DisposeAsync()
    {
        await _origin.DisposeAsync();
        await _remote.DisposeAsync();
        _skopeo.Dispose();
        _layout.Dispose();
        _directory.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Pull_RegistryTokenClients_RemoteUsedOnlyWithTheEdgesToken()
    {
        await using var withToken = await StartEdgeAsync(_tokenFile);
        await using var withoutToken = await StartEdgeAsync(tokenFile: null);

        var first = await PullAsync(withToken);
        var second = await PullAsync(withoutToken);

        foreach (var layout in new[] { first, second })
        {
            Assert.Equal(_image.ManifestDigest, OciLayoutReader.FindTagged(layout, "latest").Digest);
            Assert.All(_image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest))));
        }

        Assert.Equal(_image.AllBlobs.Count, await withToken.MetricAsync("edge_pullthrough_fills_total{source=\"remote\"}", Ct));
        Assert.Equal(0, await withoutToken.MetricAsync("edge_pullthrough_fills_total{source=\"remote\"}", Ct));

        // The edge with the token fetched each blob once, the origin (for the other edge) once more.
        foreach (var blob in _image.AllBlobs)
        {
            Assert.Equal(2, await AccessLog.BlobGetsAsync(() => _remote.Output, "library/secured", blob.Digest, atLeast: 2));
        }
    }

    private Task<EdgeServer> StartEdgeAsync(string? tokenFile) =>
        EdgeServer.StartAsync(
            _origin.BaseAddress,
            options => options with
            {
                Upstream = new UpstreamOptions
                {
                    Allowed = ["docker.io"],
                    Insecure = ["docker.io"],
                    Aliases = new Dictionary<string, string> { ["docker.io"] = $"http://{_remote.Host}" },
                    RetryDelay = TimeSpan.FromMilliseconds(50),
                },
                PullThrough = new PullThroughOptions { TokenFile = tokenFile },
            },
            Ct);

    private async Task<string> PullAsync(EdgeServer edge)
    {
        var layout = _layout.NewPath("pulled");
        var result = await _skopeo.CopyAsync(
            edge.ImageReference("team/secured", "latest"), $"oci:{layout}:latest", sourceAccess: edge.Access.WithCredentials("viewer", ViewerPassword), cancellationToken: Ct);
        Assert.True(result.Succeeded, result + _origin.Output);
        return layout;
    }
}
