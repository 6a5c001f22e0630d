namespace EdgeRegistry.Edge.Cache;

/// <summary>One file of the cache as the index knows it; mutable state is guarded by the index's lock.</summary>
internal sealed class CacheEntry(string key, long length, DateTimeOffset lastUse)
{
    /// <summary>Path relative to the cache directory, with '/' separators (<c>blobs/sha256/ab/ab…</c>).</summary>
    public string Key { get; } = key;

    public long Length { get; } = length;

    public DateTimeOffset LastUse { get; set; } = lastUse;

    /// <summary>Clients being served from the file now; eviction skips an entry while this is above zero.</summary>
    public int Leases { get; set; }
}
