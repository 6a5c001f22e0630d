using System.Text;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>
/// The remote with htpasswd Basic auth and TLS from a CA the test generates: the edge trusts the CA through
/// <c>upstream.caDirectory</c> and logs in with Docker Hub's entry of a docker <c>config.json</c> (<c>upstream.credentials</c>).
/// </summary>
public sealed class SecureMirrorFixture : MirrorFixture
{
    public const string User = "alice";

    public string Password { get; } = Guid.NewGuid().ToString("N");

    protected override DockerRegistryOptions RemoteOptions => new() { Tls = true, Users = new Dictionary<string, string> { [User] = Password } };

    public override UpstreamOptions Upstream(IReadOnlyList<string> allowed)
    {
        var credentials = Directory.Combine("config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        File.WriteAllText(credentials, $$$$"""{"auths":{"https://index.docker.io/v1/":{"auth":"{{{{auth}}}}"}}}""");
        return new UpstreamOptions
        {
            Allowed = allowed,
            Aliases = new Dictionary<string, string> { ["docker.io"] = $"https://{Remote.Host}" },
            CaDirectory = Remote.TlsFiles!.ClientCertDirectory,
            Credentials = credentials,
            RetryDelay = TimeSpan.FromMilliseconds(50),
        };
    }
}
