using System.Runtime.Versioning;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Access;

/// <summary>The embedded default (no config file): the first start creates an administrator whose token a newcomer logs in with at once.</summary>
public sealed class EmbeddedDefaultBootstrapTests : IDisposable
{
    private readonly TempDirectory _directory = new("embedded-default-");
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    public void Dispose()
    {
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
        _directory.Dispose();
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task FirstStart_WritesAdminToken_SkopeoLogsInAndPushes()
    {
        var (server, port) = await ServerProcess.StartOnFreePortAsync(
            p => new ServerProcessOptions
            {
                Name = "origin-default",
                FileName = OriginLocator.FindDotnetHost(),
                Arguments = [OriginLocator.FindOriginDll()],
                Environment = ChildEnvironment.ForRegistry(new Dictionary<string, string?> { ["REGISTRY_HTTP_ADDR"] = $"127.0.0.1:{p}" }),
                WorkingDirectory = _directory.Path,
                ReadinessUrl = new Uri($"http://127.0.0.1:{p}/healthz"),
            },
            _timeout.Token);
        await using var _ = server;
        var tokenFile = _directory.Combine("data", "admin.token");
        var token = (await File.ReadAllTextAsync(tokenFile, _timeout.Token)).Trim();
        var host = $"127.0.0.1:{port}";

        var login = await _skopeo.LoginAsync(host, "admin", token, RegistryAccess.Insecure, _timeout.Token);
        var image = _layout.AddImage("v1");
        var pushed = await _skopeo.CopyAsync(image.Reference, $"docker://{host}/library/app:v1", destinationAccess: RegistryAccess.Insecure, cancellationToken: _timeout.Token);
        using var anonymousSkopeo = new Skopeo();
        var anonymous = await anonymousSkopeo.InspectAsync($"docker://{host}/library/app:v1", raw: true, RegistryAccess.Insecure, _timeout.Token);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        login.EnsureSuccess();
        pushed.EnsureSuccess();
        Assert.False(anonymous.Succeeded, anonymous.ToString());
        Assert.Contains(tokenFile, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, server.Output, StringComparison.Ordinal);
    }
}
