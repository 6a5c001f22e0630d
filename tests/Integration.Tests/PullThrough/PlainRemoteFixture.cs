using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>The remote over plain HTTP without auth: <c>docker.io</c> is listed as insecure.</summary>
public sealed class PlainRemoteFixture : RemotePullThroughFixture
{
    protected override DockerRegistryOptions RemoteOptions => new();

    public override string UpstreamYaml(IReadOnlyList<string> allowed, IReadOnlyList<string> insecure) => Section(
    [
        $"allowed: {List(allowed)}",
        $"insecure: {List(["docker.io", .. insecure])}",
        "aliases:",
        $"  docker.io: http://{Remote.Host}",
        "retrydelay: 50ms",
    ]);
}
