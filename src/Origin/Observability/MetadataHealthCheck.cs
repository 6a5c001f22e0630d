using EdgeRegistry.Origin.Metadata;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeRegistry.Origin.Observability;

/// <summary>The metadata store answers a trivial query.</summary>
internal sealed class MetadataHealthCheck(IMetadataStore metadata) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await metadata.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("metadata store did not answer");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("metadata store unreachable", exception);
        }
    }
}
