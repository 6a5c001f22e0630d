using EdgeRegistry.Origin.Storage.S3;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeRegistry.Origin.Observability;

/// <summary>S3 is reachable when listing one key of the bucket answers, within one attempt and without retries.</summary>
internal sealed class S3HealthCheck(S3StorageDriver driver) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await driver.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"S3 bucket {driver.Bucket} unreachable: {S3Resilience.Describe(exception)}", exception);
        }
    }
}
