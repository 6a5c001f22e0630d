using System.Text;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>The client against docker-registry over TLS (certificate from a test CA) with htpasswd Basic auth.</summary>
public sealed class RemoteRegistryClientTlsTests(TlsRegistryFixture fixture) : IClassFixture<TlsRegistryFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Reference Tag = new("1.0", null);

    [Fact]
    public async Task GetManifestAsync_CaDirectoryAndCredentials_AnswersBasicChallenge()
    {
        using var client = new RemoteRegistryClient(fixture.Registry.Host, new RemoteRegistryOptions { CaDirectory = fixture.CaDirectory }, fixture.Credential);

        var manifest = await client.GetManifestAsync(fixture.App.Repository, Tag, null, Ct);

        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
        Assert.Equal(fixture.App.Manifest, manifest.Payload.ToArray());
        Assert.Equal("https", client.Endpoint.Scheme);
    }

    [Fact]
    public async Task OpenBlobAsync_OverVerifiedTls_StreamsTheBlob()
    {
        using var client = new RemoteRegistryClient(fixture.Registry.Host, new RemoteRegistryOptions { CaDirectory = fixture.CaDirectory }, fixture.Credential);

        await using var blob = await client.OpenBlobAsync(fixture.App.Repository, fixture.App.LayerDigest, null, Ct);
        var copy = new MemoryStream();
        await blob.Content.CopyToAsync(copy, Ct);

        Assert.Equal(fixture.App.Layer, copy.ToArray());
        Assert.True(await client.BlobExistsAsync(fixture.App.Repository, fixture.App.ConfigDigest, Ct));
    }

    [Fact]
    public async Task GetManifestAsync_CaInPerRegistrySubdirectory_IsTrusted()
    {
        var certsD = Path.Combine(fixture.ScratchDirectory, "certs.d-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(certsD, fixture.Registry.Host));
        fixture.Authority.WriteCertificate(Path.Combine(certsD, fixture.Registry.Host, "ca.crt"));
        using var client = new RemoteRegistryClient(fixture.Registry.Host, new RemoteRegistryOptions { CaDirectory = certsD }, fixture.Credential);

        var info = await client.HeadManifestAsync(fixture.App.Repository, Tag, null, Ct);

        Assert.Equal(fixture.App.ManifestDigest, info.Digest);
    }

    [Fact]
    public async Task GetManifestAsync_CredentialsFromDockerConfigFile_AreUsed()
    {
        var config = Path.Combine(fixture.ScratchDirectory, $"config-{Guid.NewGuid():N}.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fixture.Credential.Username}:{fixture.Credential.Password}"));
        File.WriteAllText(config, "{\"auths\":{\"https://" + fixture.Registry.Host + "/v2/\":{\"auth\":\"" + auth + "\"}}}");
        var options = new RemoteRegistryOptions { CaDirectory = fixture.CaDirectory, CredentialsFile = config };
        using var factory = new RemoteRegistryClientFactory(options);

        var manifest = await factory.GetClient(fixture.Registry.Host).GetManifestAsync(fixture.App.Repository, Tag, null, Ct);

        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
    }

    [Fact]
    public async Task GetManifestAsync_WrongPassword_ThrowsUnauthorized()
    {
        using var client = new RemoteRegistryClient(
            fixture.Registry.Host,
            new RemoteRegistryOptions { CaDirectory = fixture.CaDirectory },
            fixture.Credential with { Password = "wrong" });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(fixture.App.Repository, Tag, null, Ct));

        Assert.Equal(ErrorCode.Unauthorized, error.Error);
    }

    [Fact]
    public async Task GetManifestAsync_NoCredentials_ThrowsUnauthorized()
    {
        using var client = new RemoteRegistryClient(fixture.Registry.Host, new RemoteRegistryOptions { CaDirectory = fixture.CaDirectory });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(fixture.App.Repository, Tag, null, Ct));

        Assert.Equal(ErrorCode.Unauthorized, error.Error);
        Assert.Contains("credentials", error.Message);
    }

    [Fact]
    public async Task GetManifestAsync_UntrustedCertificateOfSecureRegistry_IsRefused()
    {
        using var client = new RemoteRegistryClient(fixture.Registry.Host, new RemoteRegistryOptions(), fixture.Credential);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(fixture.App.Repository, Tag, null, Ct));

        Assert.Equal(ErrorCode.Unavailable, error.Error);
        Assert.Contains("certificate", error.Message);
        Assert.Equal("https", client.Endpoint.Scheme);
    }

    [Fact]
    public async Task GetManifestAsync_CertificateFromAnotherCa_IsRefused()
    {
        using var other = TestCertificateAuthority.Create("Some Other CA");
        var directory = Path.Combine(fixture.ScratchDirectory, "other-ca-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        other.WriteCertificate(Path.Combine(directory, "other.pem"));
        using var client = new RemoteRegistryClient(fixture.Registry.Host, new RemoteRegistryOptions { CaDirectory = directory }, fixture.Credential);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync(fixture.App.Repository, Tag, null, Ct));

        Assert.Equal(ErrorCode.Unavailable, error.Error);
    }

    [Fact]
    public async Task GetManifestAsync_UntrustedCertificateOfInsecureRegistry_UsesTlsWithoutVerification()
    {
        using var client = new RemoteRegistryClient(
            fixture.Registry.Host,
            new RemoteRegistryOptions { InsecureRegistries = [fixture.Registry.Host] },
            fixture.Credential);

        var manifest = await client.GetManifestAsync(fixture.App.Repository, Tag, null, Ct);

        Assert.Equal(fixture.App.ManifestDigest, manifest.Digest);
        Assert.Equal("https", client.Endpoint.Scheme);
    }
}
