using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class RemoteRegistryOptionsTests
{
    [Fact]
    public void Validate_Defaults_HaveNoErrors() => Assert.Empty(new RemoteRegistryOptions().Validate());

    [Fact]
    public void Validate_SeveralProblems_ReportsEachNamingTheSetting()
    {
        var options = new RemoteRegistryOptions
        {
            AttemptTimeout = TimeSpan.FromMinutes(5),
            TotalTimeout = TimeSpan.FromMinutes(1),
            RetryCount = -1,
            BreakerFailureRatio = 0,
            BreakerMinimumThroughput = 1,
            InsecureRegistries = ["bad host"],
            AllowedRegistries = ["10.0.0.0/8"],
            Aliases = new Dictionary<string, string> { ["docker.io"] = "http://mirror.internal" },
            CaDirectory = "/nonexistent/edge-registry-ca",
        };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("TotalTimeout", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RetryCount", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("BreakerFailureRatio", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("BreakerMinimumThroughput", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("InsecureRegistries", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("AllowedRegistries", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Aliases.docker.io", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("CaDirectory", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PlainHttpAliasOfInsecureRegistry_IsAccepted()
    {
        var options = new RemoteRegistryOptions
        {
            Aliases = new Dictionary<string, string> { ["registry.example.com:80"] = "http://registry.example.com" },
            InsecureRegistries = ["172.30.0.0/16", "registry.example.com:80"],
        };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingThem()
    {
        var error = Assert.Throws<ArgumentException>(() => new RemoteRegistryClient("quay.io", new RemoteRegistryOptions { RetryCount = -1 }));

        Assert.Contains("RetryCount", error.Message);
    }
}
