using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Tests.Configuration;

public sealed class UpstreamOptionsTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Parse_UpstreamSection_BoundAndMappedToRemoteOptions()
    {
        const string yaml = """
            origin:
              url: http://origin:5000
            upstream:
              allowed: [docker.io, "*.example.com", "registry.local:5000"]
              insecure:
                - registry.local:5000
                - 172.30.0.0/16
              aliases:
                docker.io: https://mirror.internal:5000
              connectTimeout: 5s
              retries: 1
              retryDelay: 100ms
            pullThrough:
              statusTtl: 2m
            mirror:
              enabled: true
              originNames: [registry.example.com]
            """;

        var options = EdgeConfigurationLoader.Parse(yaml, NoEnvironment);
        var remote = options.Upstream.ToRemoteRegistryOptions();

        Assert.Equal(["docker.io", "*.example.com", "registry.local:5000"], remote.AllowedRegistries!);
        Assert.Equal(["registry.local:5000", "172.30.0.0/16"], remote.InsecureRegistries);
        Assert.Equal("https://mirror.internal:5000", remote.Aliases["docker.io"]);
        Assert.Equal(TimeSpan.FromSeconds(5), remote.ConnectTimeout);
        Assert.Equal(1, remote.RetryCount);
        Assert.Equal(TimeSpan.FromMilliseconds(100), remote.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromMinutes(2), options.PullThrough.StatusTtl);
        Assert.True(options.PullThrough.Enabled);
        Assert.True(options.Mirror.Enabled);
        Assert.Equal(["registry.example.com"], options.Mirror.OriginNames);
    }

    [Fact]
    public void Parse_ListsAndAliasesFromEnvironment_FlowYamlAccepted()
    {
        var environment = new Dictionary<string, string?>
        {
            ["EDGE_ORIGIN_URL"] = "http://origin:5000",
            ["EDGE_UPSTREAM_ALLOWED"] = "[docker.io, quay.io]",
            ["EDGE_UPSTREAM_INSECURE"] = "registry.local:5000",
            ["EDGE_UPSTREAM_ALIASES"] = "{docker.io: 'http://registry.local:5000'}",
            ["EDGE_MIRROR_ENABLED"] = "true",
            ["EDGE_MIRROR_DEFAULTREGISTRY"] = "docker.io",
        };

        var options = EdgeConfigurationLoader.Parse(null, environment);

        Assert.Equal(["docker.io", "quay.io"], options.Upstream.Allowed!);
        Assert.Equal(["registry.local:5000"], options.Upstream.Insecure);
        Assert.Equal("http://registry.local:5000", options.Upstream.Aliases["docker.io"]);
        Assert.Equal("docker.io", options.Mirror.DefaultRegistry);
    }

    [Fact]
    public void Parse_EmptyAllowlist_AllowsNothingWhileAbsentAllowsAll()
    {
        var empty = EdgeConfigurationLoader.Parse("origin:\n  url: http://origin:5000\nupstream:\n  allowed: []\n", NoEnvironment);
        var absent = EdgeConfigurationLoader.Parse("origin:\n  url: http://origin:5000\n", NoEnvironment);

        Assert.Empty(empty.Upstream.Allowed!);
        Assert.Null(absent.Upstream.Allowed);
    }

    [Fact]
    public void Parse_BadUpstreamValues_EveryErrorNamesItsKey()
    {
        const string yaml = """
            origin:
              url: http://origin:5000
            upstream:
              allowed: [docker.io]
              aliases:
                docker.io: http://mirror.internal:5000
              totalTimeout: 1s
              attemptTimeout: 5s
              retries: 50
              credentials: /nonexistent/config.json
            mirror:
              enabled: maybe
            """;

        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(yaml, NoEnvironment));

        Assert.Contains(ex.Errors, e => e.StartsWith("upstream.aliases.docker.io: plain http endpoint", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("upstream.totalTimeout:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("upstream.retries:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("upstream.credentials:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("mirror.enabled:", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_AliasesAsAList_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<EdgeConfigurationException>(() =>
            EdgeConfigurationLoader.Parse("origin:\n  url: http://origin:5000\nupstream:\n  aliases: [docker.io]\n", NoEnvironment));

        Assert.StartsWith("upstream.aliases:", ex.Errors.Single(), StringComparison.Ordinal);
    }
}
