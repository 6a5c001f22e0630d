using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EdgeRegistry.Origin.Tests.Storage;

public sealed class StorageServiceCollectionExtensionsTests
{
    private static readonly S3StorageOptions S3 = new()
    {
        Region = "us-east-1",
        RegionEndpoint = new Uri("http://127.0.0.1:9"),
        Bucket = "registry",
        AccessKey = "key",
        SecretKey = "secret",
        Secure = false,
        ForcePathStyle = true,
    };

    [Fact]
    public async Task AddStorage_S3_RegistersTheDriverAndTheS3CheckInsteadOfTheGenericOne()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddStorage(new StorageOptions { Driver = StorageDriverKind.S3, S3 = S3 with { ChunkSize = 8L * 1024 * 1024 } });
        services.AddOriginHealth();
        await using var provider = services.BuildServiceProvider();

        var driver = Assert.IsType<S3StorageDriver>(provider.GetRequiredService<IStorageDriver>());
        var names = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(registration => registration.Name);
        Assert.Equal(["metadata", "s3"], names.Order(StringComparer.Ordinal));
        Assert.Equal("registry", driver.Bucket);
        Assert.Equal(8 * 1024 * 1024, driver.ChunkSize);
    }

    [Fact]
    public void AddStorage_S3ChunkSizeAboveOneGiB_FailsNamingTheKey()
    {
        var services = new ServiceCollection();

        var exception = Assert.Throws<ConfigurationException>(() =>
            services.AddStorage(new StorageOptions { Driver = StorageDriverKind.S3, S3 = S3 with { ChunkSize = 2L * 1024 * 1024 * 1024 } }));

        Assert.StartsWith("storage.s3.chunksize:", Assert.Single(exception.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RegionEndpoint_SignsForTheRegionWithPathStyleAndNoSdkRetries()
    {
        using var client = S3ClientFactory.Create(S3, new S3ResilienceOptions());

        var config = (Amazon.S3.AmazonS3Config)client.Config;
        Assert.Equal("http://127.0.0.1:9/", config.ServiceURL);
        Assert.Equal("us-east-1", config.AuthenticationRegion);
        Assert.True(config.ForcePathStyle);
        Assert.Equal(0, config.MaxErrorRetry);
    }

    [Fact]
    public void Create_RegionOnlyNotSecure_UsesTheRegionOverHttp()
    {
        using var client = S3ClientFactory.Create(S3 with { RegionEndpoint = null, Region = "eu-west-1", ForcePathStyle = false }, new S3ResilienceOptions());

        var config = (Amazon.S3.AmazonS3Config)client.Config;
        Assert.Equal(Amazon.RegionEndpoint.EUWest1, config.RegionEndpoint);
        Assert.True(config.UseHttp);
        Assert.False(config.ForcePathStyle);
    }
}
