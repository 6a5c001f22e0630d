using EdgeRegistry.Distribution.Digests;
using Microsoft.Extensions.Caching.Memory;

namespace EdgeRegistry.Origin.Caching;

/// <summary>
/// <c>storage.cache.blobdescriptor: inmemory</c>: a bounded cache in this process. Each replica has its
/// own, so it suits one origin; several replicas share descriptors through <see cref="RedisBlobDescriptorCache"/>.
/// </summary>
internal sealed class InMemoryBlobDescriptorCache : IBlobDescriptorCache, IDisposable
{
    private readonly MemoryCache cache;
    private readonly BlobDescriptorCacheOptions options;

    public InMemoryBlobDescriptorCache(BlobDescriptorCacheOptions options, TimeProvider timeProvider)
    {
        this.options = options;
        cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = options.InMemoryCapacity,
            Clock = new TimeProviderClock(timeProvider),
            // A full cache drops a tenth of its entries, oldest-used first.
            CompactionPercentage = 0.1,
        });
    }

    public ValueTask<long?> GetLinkedSizeAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        ValueTask.FromResult(cache.TryGetValue(Key(repository, digest), out long size) ? size : (long?)null);

    public ValueTask SetLinkedAsync(string repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        cache.Set(Key(repository, digest), size, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.TimeToLive });
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveLinkAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        cache.Remove(Key(repository, digest));
        return ValueTask.CompletedTask;
    }

    public void Dispose() => cache.Dispose();

    private static string Key(string repository, Digest digest) => $"{repository}@{digest}";

#pragma warning disable CS0618 // ISystemClock is what MemoryCacheOptions.Clock takes.
    private sealed class TimeProviderClock(TimeProvider timeProvider) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
    }
#pragma warning restore CS0618
}
