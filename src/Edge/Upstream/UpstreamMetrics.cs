using EdgeRegistry.Edge.Observability;
using Prometheus;

namespace EdgeRegistry.Edge.Upstream;

/// <summary>The metrics of the edge's requests to remote registries, in the edge's registry (<c>/metrics</c>).</summary>
internal sealed class UpstreamMetrics
{
    public UpstreamMetrics(EdgeMetrics metrics)
    {
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        FetchedBytes = factory.CreateCounter("edge_upstream_fetched_bytes_total", "Bytes of blobs and manifests fetched from remote registries into the cache.", "registry");
        Requests = factory.CreateCounter(
            "edge_upstream_requests_total",
            "Requests to remote registries by kind (blob, manifest, tag) and result (ok, or the error code: blob_unknown, denied, unavailable...).",
            "registry", "kind", "result");
        PullThroughFills = factory.CreateCounter(
            "edge_pullthrough_fills_total",
            "Cache misses of the origin's repositories whose image stream names remote images, by where the fill went (remote, origin).",
            "source");
    }

    public Counter FetchedBytes { get; }

    public Counter Requests { get; }

    public Counter PullThroughFills { get; }
}
