using Prometheus;

namespace EdgeRegistry.Edge.Observability;

/// <summary>
/// The edge's Prometheus metrics, in a registry of its own so that several edges in one process
/// (tests) do not share counters. Exposed at <c>/metrics</c>.
/// </summary>
internal sealed class EdgeMetrics
{
    public EdgeMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        CacheHits = factory.CreateCounter("edge_cache_hits_total", "Blob and manifest requests served from the node-local cache.", "kind");
        CacheMisses = factory.CreateCounter("edge_cache_misses_total", "Blob and manifest requests that had to go to the origin.", "kind");
        BytesFromCache = factory.CreateCounter("edge_cache_served_bytes_total", "Bytes of blobs and manifests served to clients from the cache (including growing files).");
        BytesFromOrigin = factory.CreateCounter("edge_origin_fetched_bytes_total", "Bytes of blobs and manifests fetched from the origin into the cache.");
        FillsInFlight = factory.CreateGauge("edge_fills_in_flight", "Cache fills running now.");
        Fills = factory.CreateCounter("edge_fills_total", "Cache fills finished, by result.", "result");
        Evictions = factory.CreateCounter("edge_cache_evictions_total", "Files removed from the cache by eviction.");
        EvictedBytes = factory.CreateCounter("edge_cache_evicted_bytes_total", "Bytes removed from the cache by eviction.");
        CacheSize = factory.CreateGauge("edge_cache_size_bytes", "Bytes in the cache now.");
        AuthorizationChecks = factory.CreateCounter("edge_authorization_checks_total", "Authorization decisions for cached content, by result (allowed, denied, cached, unavailable).", "result");
        CdnRedirects = factory.CreateCounter("edge_cdn_redirects_total", "Blob GETs answered with a redirect to the CloudFront distribution.");
        StaleTagAnswers = factory.CreateCounter("edge_stale_tag_answers_total", "Tag lookups answered with the last known answer because the origin could not be reached.");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter CacheHits { get; }

    public Counter CacheMisses { get; }

    public Counter BytesFromCache { get; }

    public Counter BytesFromOrigin { get; }

    public Gauge FillsInFlight { get; }

    public Counter Fills { get; }

    public Counter Evictions { get; }

    public Counter EvictedBytes { get; }

    public Gauge CacheSize { get; }

    public Counter AuthorizationChecks { get; }

    public Counter StaleTagAnswers { get; }

    public Counter CdnRedirects { get; }
}
