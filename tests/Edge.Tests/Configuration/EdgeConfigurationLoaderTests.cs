using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Tests.Configuration;

public sealed class EdgeConfigurationLoaderTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private const string Yaml = """
        listen: 0.0.0.0:5001
        origin:
          url: http://origin.registry.svc:5000
          timeout: 20s
          retries: 3
        cache:
          directory: /var/cache/edge
          maxSize: 50GiB
          highWatermark: 90%
          lowWatermark: 0.75
          sendfile: true
        authorization:
          ttl: 45s
        manifests:
          staleIfError: 2h
        """;

    [Fact]
    public void Load_ValidYaml_AllKeysBound()
    {
        var options = EdgeConfigurationLoader.Parse(Yaml, NoEnvironment);

        Assert.Equal("0.0.0.0:5001", options.Listen);
        Assert.Equal(new Uri("http://origin.registry.svc:5000"), options.Origin.Url);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Origin.Timeout);
        Assert.Equal(3, options.Origin.Retries);
        Assert.Equal(50L * 1024 * 1024 * 1024, options.Cache.MaxSize);
        Assert.Equal(0.9, options.Cache.HighWatermark, 6);
        Assert.Equal(0.75, options.Cache.LowWatermark, 6);
        Assert.True(options.Cache.Sendfile);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Authorization.Ttl);
        Assert.Equal(TimeSpan.FromHours(2), options.Manifests.StaleIfError);
    }

    [Fact]
    public void Load_EnvironmentOverride_WinsOverFile()
    {
        var environment = new Dictionary<string, string?>
        {
            ["EDGE_CACHE_MAXSIZE"] = "100GiB",
            ["EDGE_ORIGIN_URL"] = "https://registry.example:443",
            ["EDGE_SERVICE_HOST"] = "10.0.0.1",
        };

        var options = EdgeConfigurationLoader.Parse(Yaml, environment);

        Assert.Equal(100L * 1024 * 1024 * 1024, options.Cache.MaxSize);
        Assert.Equal(new Uri("https://registry.example:443"), options.Origin.Url);
    }

    [Fact]
    public void Load_BadValues_EveryErrorNamesItsKey()
    {
        const string yaml = """
            origin:
              url: http://origin:5000
            cache:
              maxSize: lots
              colour: blue
              sendfile: sometimes
            authorization:
              ttl: soon
            """;
        var environment = new Dictionary<string, string?> { ["EDGE_CACHE_LOWWATERMARK"] = "0.95" };

        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(yaml, environment));

        Assert.Contains(ex.Errors, e => e.StartsWith("cache.maxSize:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("cache.colour: unknown key", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("authorization.ttl:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("cache.lowWatermark:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("cache.sendfile:", StringComparison.Ordinal));
        Assert.Equal(5, ex.Errors.Count);
    }

    [Fact]
    public void Load_MissingOrigin_ErrorNamesOriginUrl()
    {
        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse("listen: 127.0.0.1:5000", NoEnvironment));

        Assert.Equal("origin.url", ex.Errors.Single().Split(':')[0]);
    }

    [Fact]
    public void Load_TlsWithoutKey_ErrorNamesTlsKey()
    {
        var environment = new Dictionary<string, string?>
        {
            ["EDGE_ORIGIN_URL"] = "http://origin:5000",
            ["EDGE_TLS_CERTIFICATE"] = "/nonexistent/cert.pem",
        };

        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(null, environment));

        Assert.Contains(ex.Errors, e => e.StartsWith("tls.key:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("tls.certificate:", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NoFileOnlyEnvironment_Defaults()
    {
        var options = EdgeConfigurationLoader.Parse(null, new Dictionary<string, string?> { ["EDGE_ORIGIN_URL"] = "http://origin:5000" });

        Assert.Equal(new EdgeOptions { Origin = new OriginOptions { Url = new Uri("http://origin:5000") } }, options);
    }
}
