using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>The remote over plain HTTP without auth: <c>docker.io</c> is listed as insecure.</summary>
public sealed class PlainMirrorFixture : MirrorFixture
{
    protected override DockerRegistryOptions RemoteOptions => new();

    public override UpstreamOptions Upstream(IReadOnlyList<string> allowed) => new()
    {
        Allowed = allowed,
        Insecure = ["docker.io"],
        Aliases = new Dictionary<string, string> { ["docker.io"] = $"http://{Remote.Host}" },
        RetryDelay = TimeSpan.FromMilliseconds(50),
    };
}
