using EdgeRegistry.Origin.Caching;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeRegistry.Origin.Observability;

/// <summary>
/// Redis answers a PING. An unreachable Redis is <em>degraded</em>, not unhealthy: the caches it holds fall
/// back to the metadata store, so the replica keeps serving and must stay in its load balancer.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var database = await connection.GetDatabaseAsync();
            var latency = await database.PingAsync();
            return HealthCheckResult.Healthy($"redis at {connection.Address} answered in {latency.TotalMilliseconds:F0} ms");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"redis at {connection.Address} unreachable; blob descriptors come from the metadata store", exception);
        }
    }
}
