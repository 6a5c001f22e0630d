using System.Net;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.Observability;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Readyz_OriginUpThenDown_OkThenServiceUnavailable()
    {
        await using var origin = await FakeOrigin.StartAsync();
        await using var edge = await EdgeHost.StartAsync(origin.Url);

        using var up = await edge.Client.GetAsync("/readyz");
        await origin.StopAsync();
        using var down = await edge.Client.GetAsync("/readyz");
        using var live = await edge.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterTraffic_PrometheusTextWithEdgeMetrics()
    {
        await using var origin = await FakeOrigin.StartAsync();
        var digest = origin.AddBlob(FakeOrigin.RandomBytes(1000, seed: 20));
        await using var edge = await EdgeHost.StartAsync(origin.Url);
        await edge.Client.GetByteArrayAsync($"/v2/a/blobs/{digest}");
        await edge.Client.GetByteArrayAsync($"/v2/a/blobs/{digest}");

        var text = await edge.Client.GetStringAsync("/metrics");

        Assert.Contains("edge_fills_in_flight 0", text);
        Assert.Contains("edge_origin_fetched_bytes_total 1000", text);
        Assert.Contains("edge_cache_served_bytes_total 2000", text);
        Assert.Contains("edge_cache_size_bytes 1000", text);
    }
}
