using EdgeRegistry.Edge.Cache;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Edge.Manifests;

/// <summary>Registers the manifest cache and the last answers for tags.</summary>
public static class ManifestServiceCollectionExtensions
{
    public static IServiceCollection AddManifestCache(this IServiceCollection services)
    {
        services.AddBlobCache();
        services.TryAddSingleton<ManifestCache>();
        services.TryAddSingleton<TagAnswerStore>();
        services.TryAddSingleton<ManifestEndpoint>();
        return services;
    }
}
