using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class RegistryHostPatternTests
{
    [Theory]
    [InlineData("172.30.0.0/16", "172.30.12.4:5000", true)]
    [InlineData("172.30.0.0/16", "172.31.0.1", false)]
    [InlineData("172.30.0.0/16", "registry.local", false)]
    [InlineData("::1/128", "[::1]:5000", true)]
    [InlineData("registry.example.com:80", "registry.example.com:80", true)]
    [InlineData("registry.example.com:80", "registry.example.com", false)]
    [InlineData("*.svc.cluster.local", "docker-registry.default.svc.cluster.local:5000", true)]
    public void MatchesAny_Entry_MatchesLikeDockerInsecureRegistry(string entry, string registry, bool expected) =>
        Assert.Equal(expected, RegistryHostPattern.MatchesAny([RegistryHostPattern.Parse(entry)], registry));
}
