using Prometheus;

namespace EdgeRegistry.Origin.PullThrough;

/// <summary>Prometheus metrics of pull-through, exported at <c>/metrics</c> with the origin's others.</summary>
internal static class PullThroughMetrics
{
    public static readonly Counter Fills = Metrics.CreateCounter(
        "edgeregistry_origin_pullthrough_fills_total",
        "Blob fetches from remote registries, by outcome (stored, streamed, failed, unavailable).",
        new CounterConfiguration { LabelNames = ["outcome"] });

    public static readonly Counter UpstreamBytes = Metrics.CreateCounter(
        "edgeregistry_origin_pullthrough_upstream_bytes_total",
        "Blob bytes received from remote registries by pull-through.");

    public static readonly Counter SharedRequests = Metrics.CreateCounter(
        "edgeregistry_origin_pullthrough_shared_requests_total",
        "Blob requests served from a fetch another request had started.");
}
