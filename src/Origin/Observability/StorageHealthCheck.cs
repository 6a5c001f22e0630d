using EdgeRegistry.Origin.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeRegistry.Origin.Observability;

/// <summary>Storage is reachable when a stat of the root answers, found or not found (distribution's storage health check).</summary>
internal sealed class StorageHealthCheck(IStorageDriver storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.StatAsync("/docker/registry/v2", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StoragePathNotFoundException)
        {
            return HealthCheckResult.Healthy("storage is empty");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{storage.Name} storage unreachable", exception);
        }
    }
}
