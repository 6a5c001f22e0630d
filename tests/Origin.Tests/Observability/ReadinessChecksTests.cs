using EdgeRegistry.Origin.Caching;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Tests.Caching;
using EdgeRegistry.Origin.Tests.Storage.S3;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeRegistry.Origin.Tests.Observability;

/// <summary>The /readyz checks of S3 and Redis against the real peers.</summary>
[Collection(S3rverCollection.Name)]
public sealed class ReadinessChecksTests(S3rverFixture s3rver)
{
    [Fact]
    public async Task S3HealthCheck_BucketAnswers_IsHealthy()
    {
        var check = new S3HealthCheck(S3rverFixture.CreateDriver(s3rver.Options()));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task S3HealthCheck_NothingListens_IsUnhealthyAndNamesTheBucket()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var check = new S3HealthCheck(S3rverFixture.CreateDriver(s3rver.Options(endpoint: new Uri($"http://127.0.0.1:{port}"))));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(S3rverFixture.Bucket, result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisHealthCheck_RedisUpThenKilled_HealthyThenDegraded()
    {
        await using var redis = await RedisServer.StartAsync(CancellationToken.None);
        await using var connection = new RedisConnection(new RedisOptions { Addr = redis.Address });
        var check = new RedisHealthCheck(connection);

        var up = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);
        redis.Kill();
        var down = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.Equal(HealthStatus.Degraded, down.Status);
    }
}
