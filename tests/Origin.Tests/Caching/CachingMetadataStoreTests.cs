using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Caching;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Caching;

/// <summary>The decorator over a real SQLite store; changes made behind the decorator's back show what the cache answered.</summary>
public sealed class CachingMetadataStoreTests
{
    private static readonly Digest Blob = DigestHasher.Compute("layer"u8);

    [Fact]
    public async Task GetLinkedBlobSizeAsync_AfterLink_AnsweredFromTheCache()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        var store = new CachingMetadataStore(scope.Store, NewCache());
        await store.LinkBlobAsync("library/busybox", Blob, 1234, CancellationToken.None);

        // Removed from the store directly: only the cache still knows the link.
        await scope.Store.UnlinkBlobAsync("library/busybox", Blob, CancellationToken.None);

        Assert.Equal(1234, await store.GetLinkedBlobSizeAsync("library/busybox", Blob, CancellationToken.None));
    }

    [Fact]
    public async Task GetLinkedBlobSizeAsync_Miss_FillsTheCacheFromTheStore()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        var store = new CachingMetadataStore(scope.Store, NewCache());
        await scope.Store.LinkBlobAsync("library/busybox", Blob, 99, CancellationToken.None);

        var first = await store.GetLinkedBlobSizeAsync("library/busybox", Blob, CancellationToken.None);
        await scope.Store.UnlinkBlobAsync("library/busybox", Blob, CancellationToken.None);
        var second = await store.GetLinkedBlobSizeAsync("library/busybox", Blob, CancellationToken.None);

        Assert.Equal(99, first);
        Assert.Equal(99, second);
    }

    [Fact]
    public async Task GetLinkedBlobSizeAsync_NotLinked_CachesNoAbsence()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        var store = new CachingMetadataStore(scope.Store, NewCache());

        var before = await store.GetLinkedBlobSizeAsync("library/busybox", Blob, CancellationToken.None);
        // Linked by another replica, through its own decorator.
        await scope.Store.LinkBlobAsync("library/busybox", Blob, 7, CancellationToken.None);
        var after = await store.GetLinkedBlobSizeAsync("library/busybox", Blob, CancellationToken.None);

        Assert.Null(before);
        Assert.Equal(7, after);
    }

    [Fact]
    public async Task UnlinkBlobAsync_Cached_NextLookupMisses()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        var store = new CachingMetadataStore(scope.Store, NewCache());
        await store.LinkBlobAsync("library/busybox", Blob, 1234, CancellationToken.None);

        var removed = await store.UnlinkBlobAsync("library/busybox", Blob, CancellationToken.None);

        Assert.True(removed);
        Assert.Null(await store.GetLinkedBlobSizeAsync("library/busybox", Blob, CancellationToken.None));
    }

    [Fact]
    public async Task GetLinkedBlobSizeAsync_OtherRepository_IsNotServedByThisOnesEntry()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        var store = new CachingMetadataStore(scope.Store, NewCache());
        await store.LinkBlobAsync("team/a", Blob, 5, CancellationToken.None);

        Assert.Null(await store.GetLinkedBlobSizeAsync("team/b", Blob, CancellationToken.None));
    }

    [Fact]
    public async Task OtherCalls_GoToTheStore()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        var store = new CachingMetadataStore(scope.Store, NewCache());

        await store.LinkBlobAsync("team/a", Blob, 5, CancellationToken.None);

        Assert.True(await store.PingAsync(CancellationToken.None));
        Assert.True(await scope.Store.RepositoryExistsAsync("team/a", CancellationToken.None));
        Assert.Equal(["team/a"], await store.ListRepositoriesAsync(null, 10, CancellationToken.None));
        Assert.True(await store.IsBlobReferencedAsync(Blob, CancellationToken.None));
    }

    private static InMemoryBlobDescriptorCache NewCache() => new(new BlobDescriptorCacheOptions(), new FakeTimeProvider());
}
