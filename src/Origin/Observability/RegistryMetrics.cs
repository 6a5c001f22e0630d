using EdgeRegistry.Origin.Storage;
using Prometheus;

namespace EdgeRegistry.Origin.Observability;

/// <summary>The origin's Prometheus metrics, exported at <c>/metrics</c>.</summary>
internal static class RegistryMetrics
{
    public static readonly Counter Requests = Metrics.CreateCounter(
        "edgeregistry_origin_requests_total",
        "Requests to /v2 by route, method and status.",
        new CounterConfiguration { LabelNames = ["route", "method", "status"] });

    public static readonly Counter BytesReceived = Metrics.CreateCounter(
        "edgeregistry_origin_blob_bytes_received_total",
        "Blob bytes received by uploads.");

    public static readonly Counter BytesSent = Metrics.CreateCounter(
        "edgeregistry_origin_blob_bytes_sent_total",
        "Blob bytes sent to clients.");

    public static readonly Counter BlobsPublished = Metrics.CreateCounter(
        "edgeregistry_origin_uploads_completed_total",
        "Blob uploads verified and published.");

    public static readonly Counter ManifestsPushed = Metrics.CreateCounter(
        "edgeregistry_origin_manifests_pushed_total",
        "Manifests stored.");

    public static readonly Counter UploadsPurged = Metrics.CreateCounter(
        "edgeregistry_origin_uploads_purged_total",
        "Abandoned upload sessions removed by upload purging.");

    /// <summary>Read from <see cref="AlignedBuffers.Shared"/> each time <c>/metrics</c> is scraped.</summary>
    public static readonly Gauge UploadBufferBytes = CreateScrapedGauge(
        "edgeregistry_origin_upload_buffer_bytes",
        "Bytes of pinned upload buffers held by uploads in progress (256 MiB is where further uploads get fewer).",
        static () => (double)AlignedBuffers.Shared.Outstanding * AlignedBuffers.Size);

    private static Gauge CreateScrapedGauge(string name, string help, Func<double> read)
    {
        var gauge = Metrics.CreateGauge(name, help);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() => gauge.Set(read()));
        return gauge;
    }
}
