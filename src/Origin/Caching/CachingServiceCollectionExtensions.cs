using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Observability;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Caching;

/// <summary>Registers the blob descriptor cache <c>storage.cache.blobdescriptor</c> names, in front of the metadata store.</summary>
internal static class CachingServiceCollectionExtensions
{
    /// <summary>
    /// With <c>inmemory</c> or <c>redis</c>, wraps the registered <see cref="IMetadataStore"/> (so call it after
    /// <c>AddMetadata</c>) in a <see cref="CachingMetadataStore"/>; with <c>redis</c>, also adds the <c>redis</c>
    /// readiness check (degraded, never unhealthy, when Redis is down). Without the key, registers nothing.
    /// </summary>
    public static IServiceCollection AddBlobDescriptorCache(this IServiceCollection services, StorageOptions storage, RedisOptions? redis)
    {
        switch (storage.BlobDescriptorCache)
        {
            case null:
                return services;
            case BlobDescriptorCacheKind.InMemory:
                services.TryAddSingleton<IBlobDescriptorCache>(sp => new InMemoryBlobDescriptorCache(
                    sp.GetRequiredService<BlobDescriptorCacheOptions>(), sp.GetRequiredService<TimeProvider>()));
                break;
            case BlobDescriptorCacheKind.Redis:
                // Validation guarantees the section; the check keeps a programming error from becoming a null dereference.
                var options = redis ?? throw new ConfigurationException(["storage.cache.blobdescriptor: redis requires the redis section (redis.addr)"]);
                services.TryAddSingleton(_ => new RedisConnection(options));
                services.TryAddSingleton<IBlobDescriptorCache, RedisBlobDescriptorCache>();
                services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [ObservabilityExtensions.ReadyTag]);
                break;
        }

        services.TryAddSingleton(new BlobDescriptorCacheOptions());
        var store = services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(IMetadataStore))
            ?? throw new InvalidOperationException("AddBlobDescriptorCache wraps the metadata store: call AddMetadata first");
        services.Remove(store);
        services.AddSingleton<IMetadataStore>(sp => new CachingMetadataStore(Create(sp, store), sp.GetRequiredService<IBlobDescriptorCache>()));
        return services;
    }

    private static IMetadataStore Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance as IMetadataStore
        ?? descriptor.ImplementationFactory?.Invoke(services) as IMetadataStore
        ?? (IMetadataStore)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
