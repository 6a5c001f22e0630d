using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class RegistryAliasesTests
{
    [Fact]
    public void Resolve_Aliased_ReturnsTheEndpointForEveryHubName()
    {
        var aliases = new RegistryAliases(new Dictionary<string, string> { ["docker.io"] = "https://127.0.0.1:5443" });

        Assert.Equal(new Uri("https://127.0.0.1:5443/"), aliases.Resolve("docker.io"));
        Assert.Equal(new Uri("https://127.0.0.1:5443/"), aliases.Resolve("index.docker.io"));
        Assert.True(aliases.TryGetEndpoint("registry-1.docker.io", out _));
    }

    [Fact]
    public void Resolve_NotAliased_ReturnsDefaultEndpoint()
    {
        var aliases = new RegistryAliases(new Dictionary<string, string> { ["quay.io"] = "https://mirror.internal" });

        Assert.Equal(new Uri("https://registry-1.docker.io/"), aliases.Resolve("docker.io"));
        Assert.Equal(new Uri("https://registry.example.com:5000/"), aliases.Resolve("registry.example.com:5000"));
        Assert.False(aliases.TryGetEndpoint("registry.example.com:5000", out _));
    }

    [Theory]
    [InlineData("docker.io", "ftp://mirror")]
    [InlineData("docker.io", "mirror.internal:5000")]
    [InlineData("docker.io", "https://mirror.internal/v2/")]
    [InlineData("docker.io", "https://user:pw@mirror.internal/")]
    [InlineData("not a host", "https://mirror.internal/")]
    public void Constructor_Malformed_ThrowsNamingTheAlias(string registry, string endpoint)
    {
        var error = Assert.Throws<ArgumentException>(() => new RegistryAliases(new Dictionary<string, string> { [registry] = endpoint }));

        Assert.Contains(registry, error.Message);
    }
}
