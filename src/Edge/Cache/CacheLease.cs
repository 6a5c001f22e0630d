namespace EdgeRegistry.Edge.Cache;

/// <summary>Keeps a cached file from eviction while a client is served from it; dispose when done.</summary>
internal sealed class CacheLease(CacheIndex index, CacheEntry entry, string path) : IDisposable
{
    private int disposed;

    public string Path { get; } = path;

    public long Length => entry.Length;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            index.Release(entry);
        }
    }
}
