using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class UpstreamAllowlistTests
{
    [Theory]
    [InlineData("registry.access.redhat.com", true)]
    [InlineData("REGISTRY.ACCESS.REDHAT.COM", true)]
    [InlineData("registry.access.redhat.com:443", true)]
    [InlineData("mirror.internal:5000", true)]
    [InlineData("mirror.internal:5001", false)]
    [InlineData("mirror.internal", false)]
    [InlineData("a.example.com", true)]
    [InlineData("deep.a.example.com:8443", true)]
    [InlineData("example.com", false)]
    [InlineData("badexample.com", false)]
    [InlineData("index.docker.io", true)]
    [InlineData("quay.io", false)]
    [InlineData("not a registry", false)]
    public void IsAllowed_ListConfigured_AllowsOnlyItsEntries(string registry, bool expected)
    {
        var allowlist = new UpstreamAllowlist(["registry.access.redhat.com", "mirror.internal:5000", "*.example.com", "docker.io"]);

        Assert.Equal(expected, allowlist.IsAllowed(registry));
    }

    [Fact]
    public void IsAllowed_EmptyList_BlocksEverything()
    {
        var allowlist = new UpstreamAllowlist([]);

        Assert.True(allowlist.IsRestricted);
        Assert.False(allowlist.IsAllowed("docker.io"));
    }

    [Fact]
    public void IsAllowed_Unrestricted_AllowsEverything()
    {
        Assert.False(UpstreamAllowlist.Unrestricted.IsRestricted);
        Assert.True(UpstreamAllowlist.Unrestricted.IsAllowed("quay.io"));
        Assert.Same(UpstreamAllowlist.Unrestricted, UpstreamAllowlist.From(null));
    }

    [Fact]
    public void EnsureAllowed_Blocked_ThrowsDeniedNamingTheRegistry()
    {
        var allowlist = new UpstreamAllowlist(["registry.access.redhat.com"]);

        var error = Assert.Throws<RegistryException>(() => allowlist.EnsureAllowed("quay.io:443"));

        Assert.Equal(ErrorCode.Denied, error.Error);
        Assert.Contains("quay.io:443", error.Message);
    }

    [Fact]
    public void EnsureAllowed_Allowed_DoesNotThrow() =>
        new UpstreamAllowlist(["quay.io"]).EnsureAllowed("quay.io");

    [Theory]
    [InlineData("")]
    [InlineData("bad host")]
    [InlineData("host:notaport")]
    [InlineData("*.")]
    public void Constructor_MalformedEntry_ThrowsNamingIt(string entry)
    {
        var error = Assert.Throws<ArgumentException>(() => new UpstreamAllowlist(["quay.io", entry]));

        Assert.Contains("entry", error.Message);
    }
}
