using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Observability;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// Least-recently-used eviction between watermarks: once the cache holds more than
/// <c>highWatermark × maxSize</c> bytes, files no client is being served from are deleted, oldest use
/// first, until it holds at most <c>lowWatermark × maxSize</c>.
/// </summary>
internal sealed partial class CacheEvictor(CacheIndex index, EdgeOptions options, EdgeMetrics metrics, ILogger<CacheEvictor> logger)
{
    private readonly long high = (long)(options.Cache.MaxSize * options.Cache.HighWatermark);
    private readonly long low = (long)(options.Cache.MaxSize * options.Cache.LowWatermark);
    private int running;

    /// <summary>Evicts when above the high watermark; a call while another runs returns at once.</summary>
    public void EvictIfNeeded()
    {
        if (index.TotalSize <= high || Interlocked.Exchange(ref running, 1) == 1)
        {
            return;
        }

        try
        {
            var (files, bytes) = index.EvictTo(low);
            metrics.Evictions.Inc(files);
            metrics.EvictedBytes.Inc(bytes);
            Log.Evicted(logger, files, bytes, index.TotalSize);
        }
        catch (IOException ex)
        {
            Log.EvictionFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4310, Level = LogLevel.Information, Message = "Evicted {Files} files ({Bytes} bytes); cache now holds {Total} bytes")]
        public static partial void Evicted(ILogger logger, int files, long bytes, long total);

        [LoggerMessage(EventId = 4311, Level = LogLevel.Error, Message = "Eviction failed")]
        public static partial void EvictionFailed(ILogger logger, Exception exception);
    }
}
