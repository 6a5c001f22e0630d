using System.Net;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Peers;

/// <summary>
/// The harness against docker-registry with htpasswd Basic auth and TLS from a generated CA: skopeo
/// verifies the certificate against that CA and authenticates with --creds or a login.
/// </summary>
public sealed class SecureDockerRegistryTests(SecureDockerRegistryFixture fixture) : IClassFixture<SecureDockerRegistryFixture>, IDisposable
{
    private readonly DockerRegistryProcess _registry = fixture.Registry;
    private readonly OciLayoutBuilder _layout = new();
    private readonly Skopeo _skopeo = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    [Fact]
    public async Task Copy_CredentialsOverVerifiedTls_RoundTripsWithSameDigest()
    {
        var image = _layout.AddImage("secure");
        var repository = NewRepository();

        var pushed = await _skopeo.CopyAsync(image.Reference, _registry.ImageReference(repository, "secure"), destinationAccess: _registry.Access, preserveDigests: true, cancellationToken: _timeout.Token);
        var outLayout = _layout.NewPath("out");
        var pulled = await _skopeo.CopyAsync(_registry.ImageReference(repository, "secure"), $"oci:{outLayout}:secure", sourceAccess: _registry.Access, preserveDigests: true, cancellationToken: _timeout.Token);

        pushed.EnsureSuccess();
        pulled.EnsureSuccess();
        Assert.StartsWith("https://", _registry.BaseAddress.ToString(), StringComparison.Ordinal);
        Assert.Equal(image.ManifestDigest, OciLayoutReader.FindTagged(outLayout, "secure").Digest);
    }

    [Fact]
    public async Task Copy_NoCredentials_IsRefused()
    {
        var image = _layout.AddImage("anonymous", layerCount: 1, layerSize: 1024);

        var result = await _skopeo.CopyAsync(image.Reference, _registry.ImageReference(NewRepository(), "anonymous"), destinationAccess: _registry.Access.WithoutCredentials(), cancellationToken: _timeout.Token);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("authentication required", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Inspect_WrongPassword_IsRefused()
    {
        var result = await _skopeo.InspectAsync(_registry.ImageReference(NewRepository(), "x"), raw: true, _registry.Access.WithCredentials(SecureDockerRegistryFixture.User, "wrong"), _timeout.Token);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("unauthorized", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_ThenCopyWithoutCreds_UsesTheAuthFile()
    {
        var image = _layout.AddImage("login", layerCount: 1, layerSize: 1024);
        var repository = NewRepository();
        var anonymous = _registry.Access.WithoutCredentials();

        var login = await _skopeo.LoginAsync(_registry.Host, SecureDockerRegistryFixture.User, fixture.Password, anonymous, _timeout.Token);
        var copy = await _skopeo.CopyAsync(image.Reference, _registry.ImageReference(repository, "login"), destinationAccess: anonymous, preserveDigests: true, cancellationToken: _timeout.Token);
        var tags = await _skopeo.ListTagsAsync($"docker://{_registry.Host}/{repository}", anonymous, _timeout.Token);
        var logout = await _skopeo.LogoutAsync(_registry.Host, _timeout.Token);
        var afterLogout = await _skopeo.ListTagsAsync($"docker://{_registry.Host}/{repository}", anonymous, _timeout.Token);

        login.EnsureSuccess();
        copy.EnsureSuccess();
        Assert.Contains("\"login\"", tags.EnsureSuccess().StandardOutput, StringComparison.Ordinal);
        logout.EnsureSuccess();
        Assert.False(afterLogout.Succeeded, afterLogout.ToString());
    }

    [Fact]
    public async Task Inspect_TlsVerifiedWithoutTheCa_FailsOnUnknownAuthority()
    {
        var untrusted = new RegistryAccess(TlsVerify: true).WithCredentials(SecureDockerRegistryFixture.User, fixture.Password);

        var result = await _skopeo.InspectAsync(_registry.ImageReference(NewRepository(), "x"), raw: true, untrusted, _timeout.Token);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("certificate signed by unknown authority", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetV2_HttpClientTrustingTheCa_AnswersWithAndWithoutCredentials()
    {
        using var client = _registry.CreateHttpClient();
        using var authenticated = await client.GetAsync("v2/", _timeout.Token);
        client.DefaultRequestHeaders.Authorization = null;
        using var anonymous = await client.GetAsync("v2/", _timeout.Token);

        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
    }

    public void Dispose()
    {
        _layout.Dispose();
        _skopeo.Dispose();
        _timeout.Dispose();
    }

    private static string NewRepository() => $"secure/{Guid.NewGuid():N}";
}
