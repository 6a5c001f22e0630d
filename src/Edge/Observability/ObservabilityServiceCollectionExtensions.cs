using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Edge.Observability;

/// <summary>Registers metrics and the clock.</summary>
public static class ObservabilityServiceCollectionExtensions
{
    public static IServiceCollection AddEdgeObservability(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EdgeMetrics>();
        return services;
    }
}
