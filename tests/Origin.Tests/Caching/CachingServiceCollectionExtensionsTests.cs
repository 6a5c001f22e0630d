using EdgeRegistry.Origin.Caching;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EdgeRegistry.Origin.Tests.Caching;

public sealed class CachingServiceCollectionExtensionsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("edgeregistry-caching-di-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task AddBlobDescriptorCache_NotConfigured_LeavesTheStoreAsIs()
    {
        await using var provider = Build(new StorageOptions(), redis: null);

        Assert.IsType<SqliteMetadataStore>(provider.GetRequiredService<IMetadataStore>());
    }

    [Fact]
    public async Task AddBlobDescriptorCache_InMemory_WrapsTheStore()
    {
        await using var provider = Build(new StorageOptions { BlobDescriptorCache = BlobDescriptorCacheKind.InMemory }, redis: null);

        var store = Assert.IsType<CachingMetadataStore>(provider.GetRequiredService<IMetadataStore>());
        Assert.IsType<SqliteMetadataStore>(store.Inner);
        Assert.IsType<InMemoryBlobDescriptorCache>(provider.GetRequiredService<IBlobDescriptorCache>());
        // The access model is read from the same database, not through the cache.
        Assert.Same(store.Inner, provider.GetRequiredService<IAccessStore>());
    }

    [Fact]
    public async Task AddBlobDescriptorCache_Redis_WrapsTheStoreAndAddsTheReadinessCheck()
    {
        await using var provider = Build(new StorageOptions { BlobDescriptorCache = BlobDescriptorCacheKind.Redis }, new RedisOptions { Addr = "127.0.0.1:1" });

        Assert.IsType<CachingMetadataStore>(provider.GetRequiredService<IMetadataStore>());
        Assert.IsType<RedisBlobDescriptorCache>(provider.GetRequiredService<IBlobDescriptorCache>());
        var health = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value;
        Assert.Contains(health.Registrations, registration => registration.Name == "redis" && registration.Tags.Contains("ready"));
    }

    private ServiceProvider Build(StorageOptions storage, RedisOptions? redis)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddMetadata(new MetadataOptions { SqlitePath = Path.Combine(directory, "metadata.db") });
        services.AddBlobDescriptorCache(storage, redis);
        return services.BuildServiceProvider();
    }
}
