using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Tests.Configuration;

public sealed class MirrorOptionsTests
{
    [Fact]
    public void Parse_MirrorWithoutAllowlist_ErrorNamesUpstreamAllowed()
    {
        var environment = new Dictionary<string, string?> { ["EDGE_ORIGIN_URL"] = "http://origin:5000", ["EDGE_MIRROR_ENABLED"] = "true" };

        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(null, environment));

        Assert.StartsWith("upstream.allowed: required when mirror.enabled", ex.Errors.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DefaultRegistryWithoutMirror_ErrorNamesDefaultRegistry()
    {
        var environment = new Dictionary<string, string?> { ["EDGE_ORIGIN_URL"] = "http://origin:5000", ["EDGE_MIRROR_DEFAULTREGISTRY"] = "docker.io" };

        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(null, environment));

        Assert.StartsWith("mirror.defaultRegistry:", ex.Errors.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DefaultRegistryNotAName_ErrorNamesDefaultRegistry()
    {
        const string yaml = """
            origin:
              url: http://origin:5000
            upstream:
              allowed: [docker.io]
            mirror:
              enabled: true
              defaultRegistry: docker.io/library
            """;

        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(yaml, new Dictionary<string, string?>()));

        Assert.StartsWith("mirror.defaultRegistry: 'docker.io/library' is not a registry name", ex.Errors.Single(), StringComparison.Ordinal);
    }
}
