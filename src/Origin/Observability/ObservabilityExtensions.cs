using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Prometheus;

namespace EdgeRegistry.Origin.Observability;

/// <summary><c>/healthz</c> (liveness), <c>/readyz</c> (storage and metadata reachable) and <c>/metrics</c>.</summary>
internal static class ObservabilityExtensions
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddOriginHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<MetadataHealthCheck>("metadata", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapOriginHealth(this IEndpointRouteBuilder endpoints)
    {
        // Liveness runs no check: the process answers, so it is alive.
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        // The scraped gauges register themselves when the metrics class is first read: before the first scrape.
        _ = RegistryMetrics.UploadBufferBytes;
        endpoints.MapMetrics("/metrics");
        return endpoints;
    }
}
