using EdgeRegistry.Edge.Upstream;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Edge.PullThrough;

/// <summary>Registers pull-through at the edge: the origin's image stream status and the choice of a fill's source.</summary>
public static class PullThroughServiceCollectionExtensions
{
    public static IServiceCollection AddEdgePullThrough(this IServiceCollection services)
    {
        services.AddUpstreamRegistries();
        services.TryAddSingleton<ImageStreamCandidates>();
        services.TryAddSingleton<PullThroughSources>();
        return services;
    }
}
