using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Edge.Cache;

/// <summary>Registers the node-local blob cache, its index and eviction.</summary>
public static class CacheServiceCollectionExtensions
{
    public static IServiceCollection AddBlobCache(this IServiceCollection services)
    {
        services.TryAddSingleton<CacheIndex>();
        services.TryAddSingleton<CacheEvictor>();
        services.TryAddSingleton<BlobCache>();
        services.TryAddSingleton<BlobEndpoint>();
        return services;
    }
}
