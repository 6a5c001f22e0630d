using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>
/// docker-registry over TLS with a certificate from a CA generated for the run, and htpasswd (bcrypt)
/// Basic auth, holding <see cref="App"/>. <see cref="CaDirectory"/> holds the CA certificate only.
/// </summary>
public sealed class TlsRegistryFixture : IAsyncLifetime
{
    private readonly TempDirectory files = new("edgeregistry-remote-");
    private DockerRegistryProcess? registry;

    internal DockerRegistryProcess Registry => registry!;

    /// <summary>The CA that issued the registry's server certificate.</summary>
    internal TestCertificateAuthority Authority => Registry.CertificateAuthority!;

    internal RegistryCredential Credential { get; } = new("edge-user", "pa55-" + Guid.NewGuid().ToString("N")[..10]);

    internal SeededImage App { get; private set; } = null!;

    /// <summary>A directory with the CA certificate as <c>ca.crt</c>, and an unrelated file that must be ignored.</summary>
    internal string CaDirectory => files.Combine("ca");

    internal string ScratchDirectory => files.Path;

    public async Task InitializeAsync()
    {
        registry = await DockerRegistryProcess.StartAsync(
            new DockerRegistryOptions
            {
                Tls = true,
                Users = new Dictionary<string, string> { [Credential.Username] = Credential.Password },
            },
            CancellationToken.None);

        Directory.CreateDirectory(CaDirectory);
        Authority.WriteCertificate(Path.Combine(CaDirectory, "ca.crt"));
        File.WriteAllText(Path.Combine(CaDirectory, "README"), "not a certificate");

        using var http = new HttpClient(Authority.CreateTrustingHandler());
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Credential.Username}:{Credential.Password}")));
        App = await RegistrySeeder.PushImageAsync(http, registry.BaseAddress, "team/tls-app", "1.0", 300_000, basic);
    }

    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }

        files.Dispose();
    }
}
