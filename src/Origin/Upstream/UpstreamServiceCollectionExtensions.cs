using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Upstream;

/// <summary>Registration of the clients of remote registries, used by image stream imports and pull-through.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="options"/> and one <see cref="RemoteRegistryClientFactory"/> (one client, connection
    /// pool, token cache and circuit breaker per upstream registry, the allowlist enforced on every use).
    /// </summary>
    public static IServiceCollection AddUpstream(this IServiceCollection services, UpstreamOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new RemoteRegistryClientFactory(options.Remote, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
