using static EdgeRegistry.Origin.Tests.Configuration.ConfigurationTestLoader;

namespace EdgeRegistry.Origin.Tests.Configuration;

public sealed class UpstreamOptionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeregistry-upstream-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Bind_NoSection_AllowsEveryRegistryWithDefaults()
    {
        var options = Load(SeedConfigurations.Minimal).Upstream;

        Assert.Null(options.Remote.AllowedRegistries);
        Assert.Empty(options.Remote.InsecureRegistries);
        Assert.Empty(options.Remote.Aliases);
        Assert.Null(options.Remote.CredentialsFile);
        Assert.Null(options.Remote.CaDirectory);
        Assert.Equal(3, options.Remote.RetryCount);
        Assert.Equal(TimeSpan.FromMinutes(30), options.BlobTimeout);
    }

    [Fact]
    public void Bind_EveryKey_MapsToTheRemoteRegistryOptions()
    {
        var credentials = Path.Combine(_directory, "config.json");
        File.WriteAllText(credentials, """{"auths":{"registry.example.com:5000":{"auth":"YWxpY2U6c2VjcmV0"}}}""");
        var options = Load(WithMinimal($"""
            upstream:
              allowed: [docker.io, "*.example.com", "registry.local:5000"]
              insecure: [registry.local:5000, 172.30.0.0/16]
              aliases:
                docker.io: https://127.0.0.1:5443
              credentials: '{credentials}'
              cadirectory: '{_directory}'
              connecttimeout: 2s
              attempttimeout: 5s
              totaltimeout: 20s
              retries: 1
              retrydelay: 10ms
              retrymaxdelay: 1s
              maxretryafter: 3s
              blobtimeout: 10m
            """)).Upstream;

        Assert.Equal(["docker.io", "*.example.com", "registry.local:5000"], options.Remote.AllowedRegistries);
        Assert.Equal(["registry.local:5000", "172.30.0.0/16"], options.Remote.InsecureRegistries);
        Assert.Equal("https://127.0.0.1:5443", options.Remote.Aliases["docker.io"]);
        Assert.Equal(credentials, options.Remote.CredentialsFile);
        Assert.Equal(_directory, options.Remote.CaDirectory);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Remote.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Remote.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Remote.TotalTimeout);
        Assert.Equal(1, options.Remote.RetryCount);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.Remote.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Remote.RetryMaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Remote.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(10), options.BlobTimeout);
    }

    [Fact]
    public void Bind_EmptyAllowedList_AllowsNothing()
    {
        var options = Load(WithMinimal("upstream:\n  allowed: []")).Upstream;

        Assert.NotNull(options.Remote.AllowedRegistries);
        Assert.Empty(options.Remote.AllowedRegistries);
    }

    [Fact]
    public void Bind_EnvironmentOverrides_ReplaceTheFile()
    {
        var options = Load(
            WithMinimal("upstream:\n  allowed: [quay.io]"),
            ("REGISTRY_UPSTREAM_ALLOWED", "[docker.io, registry.local:5000]"),
            ("REGISTRY_UPSTREAM_RETRIES", "0"),
            ("REGISTRY_UPSTREAM_ALIASES", "{docker.io: 'http://127.0.0.1:5000'}"),
            ("REGISTRY_UPSTREAM_INSECURE", "127.0.0.1:5000")).Upstream;

        Assert.Equal(["docker.io", "registry.local:5000"], options.Remote.AllowedRegistries);
        Assert.Equal(0, options.Remote.RetryCount);
        Assert.Equal("http://127.0.0.1:5000", options.Remote.Aliases["docker.io"]);
        Assert.Equal(["127.0.0.1:5000"], options.Remote.InsecureRegistries);
    }

    [Fact]
    public void Bind_InvalidValues_ReportsEveryErrorByKey()
    {
        var error = Fail(WithMinimal($"""
            upstream:
              allowed: ["bad host name", "registry/path"]
              insecure: ["::"]
              aliases:
                docker.io: http://127.0.0.1:5000
                quay.io: ftp://mirror
              credentials: '{Path.Combine(_directory, "missing.json")}'
              cadirectory: '{Path.Combine(_directory, "missing")}'
              attempttimeout: 30s
              totaltimeout: 10s
              retries: -1
              mirror: true
            """));

        Assert.Contains(error.Errors, e => e.StartsWith("upstream.allowed: ", StringComparison.Ordinal) && e.Contains("bad host name", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("upstream.allowed: ", StringComparison.Ordinal) && e.Contains("registry/path", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("upstream.insecure: ", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("upstream.aliases.docker.io: plain http endpoint", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("upstream.aliases.quay.io: ", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("upstream.credentials: ", StringComparison.Ordinal) && e.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("upstream.cadirectory: ", StringComparison.Ordinal) && e.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("upstream.totaltimeout: ", StringComparison.Ordinal));
        Assert.Contains("upstream.retries: must be at least 0", error.Errors);
        Assert.Contains("upstream.mirror: unknown key", error.Errors);
    }

    [Fact]
    public void Bind_CredentialsFileNotDockerConfig_NamesTheKey()
    {
        var credentials = Path.Combine(_directory, "config.json");
        File.WriteAllText(credentials, """{"auths":{"registry.example.com":{"auth":"not base64!"}}}""");

        var error = Fail(WithMinimal($"upstream:\n  credentials: '{credentials}'"));

        Assert.Contains(error.Errors, e => e.StartsWith("upstream.credentials: ", StringComparison.Ordinal) && e.Contains("base64", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_InvalidValueFromEnvironment_NamesTheVariable()
    {
        var error = Fail(SeedConfigurations.Minimal, ("REGISTRY_UPSTREAM_CONNECTTIMEOUT", "soon"));

        Assert.Contains(error.Errors, e => e.StartsWith("upstream.connecttimeout: ", StringComparison.Ordinal) && e.Contains("REGISTRY_UPSTREAM_CONNECTTIMEOUT", StringComparison.Ordinal));
    }
}
