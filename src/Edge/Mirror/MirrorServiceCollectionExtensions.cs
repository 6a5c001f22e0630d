using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Manifests;
using EdgeRegistry.Edge.PullThrough;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Edge.Mirror;

/// <summary>Registers mirror mode: which requests are mirrored, and their endpoint.</summary>
public static class MirrorServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeMirror(this IServiceCollection services)
    {
        services.AddBlobCache();
        services.AddManifestCache();
        services.AddEdgePullThrough();
        services.TryAddSingleton<MirrorRouter>();
        services.TryAddSingleton<MirrorEndpoint>();
        return services;
    }
}
