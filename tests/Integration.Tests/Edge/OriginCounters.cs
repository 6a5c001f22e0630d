using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Edge;

/// <summary>What the origin says at <c>/metrics</c> about the blob bytes it served.</summary>
/// <param name="BlobGets">Samples of <c>edgeregistry_origin_requests_total{route="blob",method="GET"}</c>, all statuses.</param>
/// <param name="BlobBytesSent"><c>edgeregistry_origin_blob_bytes_sent_total</c>.</param>
public sealed record OriginCounters(double BlobGets, double BlobBytesSent)
{
    /// <summary>Reads the counters of <paramref name="origin"/> now.</summary>
    public static async Task<OriginCounters> ReadAsync(OriginProcess origin, CancellationToken cancellationToken)
    {
        using var client = origin.CreateHttpClient();
        var text = await client.GetStringAsync("metrics", cancellationToken);
        return new OriginCounters(
            PrometheusText.Sum(text, "edgeregistry_origin_requests_total", ["route=\"blob\"", "method=\"GET\""]),
            PrometheusText.Sum(text, "edgeregistry_origin_blob_bytes_sent_total", []));
    }
}
