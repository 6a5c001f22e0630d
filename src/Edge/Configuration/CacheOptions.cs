namespace EdgeRegistry.Edge.Configuration;

/// <summary>The node-local blob and manifest cache.</summary>
public sealed record CacheOptions
{
    /// <summary>Directory of the cache; created when missing.</summary>
    public string Directory { get; init; } = "/var/cache/edge";

    /// <summary>Size limit in bytes of the cached files.</summary>
    public long MaxSize { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Fraction of <see cref="MaxSize"/> above which eviction starts (0 to 1].</summary>
    public double HighWatermark { get; init; } = 0.9;

    /// <summary>Fraction of <see cref="MaxSize"/> down to which eviction removes least-recently-used files.</summary>
    public double LowWatermark { get; init; } = 0.8;

    /// <summary>Longest time one fill from the origin may take, independent of the clients waiting on it.</summary>
    public TimeSpan FillTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A connection's first whole-blob GET of a cached blob, on plain HTTP/1.1, is sent with the kernel's sendfile
    /// and the connection closed afterwards. Off by default: the copy into Kestrel's pipe measured faster and
    /// steadier with local clients (bench/RESULTS.md) and keeps the connection alive for the next layer.
    /// </summary>
    public bool Sendfile { get; init; }
}
