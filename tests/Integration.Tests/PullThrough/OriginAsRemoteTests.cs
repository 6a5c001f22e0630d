using System.Text;
using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>
/// Our own origin as the remote: a private project behind the Bearer token flow (<c>auth.openshift</c>, challenge
/// bearer), reached by a second origin that presents a user's access token from a docker <c>config.json</c>.
/// </summary>
public sealed class OriginAsRemoteTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("origin-remote-");
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private OriginProcess _remote = null!;
    private OriginProcess _origin = null!;
    private string _token = string.Empty;

    private CancellationToken Ct => _timeout.Token;

    public async Task InitializeAsync()
    {
        _remote = await OriginProcess.StartAsync(new OriginOptions { ExtraYaml = "auth:\n  openshift:\n    realm: openshift" }, Ct);
        await AdminCli.RunCheckedAsync(_remote.ConfigPath, Ct, "create-project", "private");
        await AdminCli.RunCheckedAsync(_remote.ConfigPath, Ct, "create-user", "robot");
        await AdminCli.RunCheckedAsync(_remote.ConfigPath, Ct, "policy", "add-role-to-user", "system:registry", "robot");
        await AdminCli.RunCheckedAsync(_remote.ConfigPath, Ct, "policy", "add-role-to-user", "system:image-builder", "robot", "-n", "private");
        _token = (await AdminCli.RunCheckedAsync(_remote.ConfigPath, Ct, "token", "robot")).Trim();

        var credentials = _directory.Combine("config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"robot:{_token}"));
        File.WriteAllText(credentials, $$$$"""{"auths":{"{{{{_remote.Host}}}}":{"auth":"{{{{auth}}}}"}}}""");
        _origin = await OriginProcess.StartAsync(new OriginOptions { ExtraYaml = Upstream(credentials) }, Ct);
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
    public async Task Pull_ImportedFromAPrivateProjectWithBearerTokens_RemoteDigests()
    {
        var image = _layout.AddImage("v1", layerCount: 2, layerSize: 100 * 1024);
        var anonymous = await _skopeo.CopyAsync(image.Reference, _remote.ImageReference("private/app", "v1"), destinationAccess: _remote.Access, cancellationToken: Ct);
        Assert.False(anonymous.Succeeded);
        (await _skopeo.CopyAsync(image.Reference, _remote.ImageReference("private/app", "v1"), destinationAccess: _remote.Access.WithCredentials("robot", _token), cancellationToken: Ct)).EnsureSuccess();

        await AdminCli.RunCheckedAsync(_origin.ConfigPath, Ct, "import-image", "team/app:v1", "--from", $"{_remote.Host}/private/app:v1");
        var layout = _layout.NewPath("pulled");
        var pull = await _skopeo.CopyAsync(_origin.ImageReference("team/app", "v1"), $"oci:{layout}:v1", sourceAccess: _origin.Access, cancellationToken: Ct);

        Assert.True(pull.Succeeded, pull + _origin.Output);
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(layout, "v1").Digest);
        Assert.All(image.AllBlobs, blob => Assert.Equal(blob.Digest, OciLayoutBuilder.DigestOf(OciLayoutReader.ReadBlob(layout, blob.Digest))));
        Assert.DoesNotContain(_token, _origin.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WithoutCredentials_RefusedByTheRemote()
    {
        var image = _layout.AddImage("v2", layerCount: 1, layerSize: 10 * 1024);
        (await _skopeo.CopyAsync(image.Reference, _remote.ImageReference("private/other", "v2"), destinationAccess: _remote.Access.WithCredentials("robot", _token), cancellationToken: Ct)).EnsureSuccess();
        var anonymous = _directory.Combine("anonymous.yml");
        var original = File.ReadAllText(_origin.ConfigPath);
        File.WriteAllText(anonymous, original[..original.IndexOf("upstream:", StringComparison.Ordinal)] + Upstream(credentials: null));

        var result = await AdminCli.RunAsync(anonymous, ["import-image", "team/other:v2", "--from", $"{_remote.Host}/private/other:v2"], Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: registry {_remote.Host} refused to authorize manifest private/other:v2\n", result.StandardError);
    }

    private string Upstream(string? credentials) =>
        $"upstream:\n  allowed: ['{_remote.Host}']\n  insecure: ['{_remote.Host}']\n  retrydelay: 50ms\n"
        + (credentials is null ? string.Empty : $"  credentials: '{credentials}'\n");
}
