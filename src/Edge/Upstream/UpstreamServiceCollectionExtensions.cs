using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Edge.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Edge.Upstream;

/// <summary>Registers the clients of remote registries (one per registry, with <c>upstream</c>'s allowlist, trust and credentials).</summary>
public static class UpstreamServiceCollectionExtensions
{
    public static IServiceCollection AddUpstreamRegistries(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => new RemoteRegistryClientFactory(
            provider.GetRequiredService<EdgeOptions>().Upstream.ToRemoteRegistryOptions(),
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<UpstreamMetrics>();
        return services;
    }
}
