using System.Text;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>
/// The remote with htpasswd Basic auth and TLS from a CA the test generates: the origin trusts the CA through
/// <c>upstream.cadirectory</c> and logs in with credentials from a docker <c>config.json</c> (<c>upstream.credentials</c>).
/// </summary>
public sealed class SecureRemoteFixture : RemotePullThroughFixture
{
    public const string User = "alice";

    public string Password { get; } = Guid.NewGuid().ToString("N");

    protected override DockerRegistryOptions RemoteOptions => new() { Tls = true, Users = new Dictionary<string, string> { [User] = Password } };

    public override string UpstreamYaml(IReadOnlyList<string> allowed, IReadOnlyList<string> insecure)
    {
        var credentials = Directory.Combine("config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        // Docker Hub's key, as docker login writes it: the credentials follow the name, not the endpoint.
        File.WriteAllText(credentials, $$$$"""{"auths":{"https://index.docker.io/v1/":{"auth":"{{{{auth}}}}"}}}""");
        return Section(
        [
            $"allowed: {List(allowed)}",
            $"insecure: {List(insecure)}",
            "aliases:",
            $"  docker.io: https://{Remote.Host}",
            $"cadirectory: '{Remote.TlsFiles!.ClientCertDirectory}'",
            $"credentials: '{credentials}'",
            "retrydelay: 50ms",
        ]);
    }
}
