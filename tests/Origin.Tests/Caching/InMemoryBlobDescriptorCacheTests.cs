using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Caching;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Caching;

public sealed class InMemoryBlobDescriptorCacheTests
{
    private static readonly Digest Blob = DigestHasher.Compute("config"u8);

    [Fact]
    public async Task GetLinkedSizeAsync_AfterTimeToLive_Misses()
    {
        var time = new FakeTimeProvider();
        using var cache = new InMemoryBlobDescriptorCache(new BlobDescriptorCacheOptions { TimeToLive = TimeSpan.FromMinutes(10) }, time);
        await cache.SetLinkedAsync("r", Blob, 42, CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(9));
        var before = await cache.GetLinkedSizeAsync("r", Blob, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));
        var after = await cache.GetLinkedSizeAsync("r", Blob, CancellationToken.None);

        Assert.Equal(42, before);
        Assert.Null(after);
    }

    [Fact]
    public async Task SetLinkedAsync_MoreEntriesThanCapacity_HoldsAtMostCapacity()
    {
        using var cache = new InMemoryBlobDescriptorCache(new BlobDescriptorCacheOptions { InMemoryCapacity = 10 }, new FakeTimeProvider());
        var digests = Enumerable.Range(0, 50).Select(i => DigestHasher.Compute(BitConverter.GetBytes(i))).ToList();

        foreach (var digest in digests)
        {
            await cache.SetLinkedAsync("r", digest, 1, CancellationToken.None);
        }

        var hits = 0;
        foreach (var digest in digests)
        {
            hits += await cache.GetLinkedSizeAsync("r", digest, CancellationToken.None) is null ? 0 : 1;
        }

        Assert.InRange(hits, 1, 10);
    }

    [Fact]
    public async Task RemoveLinkAsync_Cached_Misses()
    {
        using var cache = new InMemoryBlobDescriptorCache(new BlobDescriptorCacheOptions(), new FakeTimeProvider());
        await cache.SetLinkedAsync("r", Blob, 42, CancellationToken.None);

        await cache.RemoveLinkAsync("r", Blob, CancellationToken.None);

        Assert.Null(await cache.GetLinkedSizeAsync("r", Blob, CancellationToken.None));
    }
}
