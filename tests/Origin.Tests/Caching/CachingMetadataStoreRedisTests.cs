using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Caching;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Tests.Storage.S3;

namespace EdgeRegistry.Origin.Tests.Caching;

/// <summary>Two replicas (one SQLite file, one redis-server), and what happens to them when Redis dies.</summary>
public sealed class CachingMetadataStoreRedisTests : IAsyncLifetime
{
    private static readonly Digest Blob = DigestHasher.Compute("blob"u8);
    private static readonly Digest Other = DigestHasher.Compute("other"u8);

    private RedisServer? redis;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task LinkBlobAsync_OnOneReplica_TheOtherReplicaIsAnsweredFromRedis()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        await using var first = new RedisConnection(new RedisOptions { Addr = redis!.Address });
        await using var second = new RedisConnection(new RedisOptions { Addr = redis.Address });
        var replicaA = new CachingMetadataStore(scope.Store, NewCache(first));
        var replicaB = new CachingMetadataStore(scope.Store, NewCache(second));

        await replicaA.LinkBlobAsync("library/busybox", Blob, 77, CancellationToken.None);
        // Gone from the store behind both replicas: B can only have the answer from Redis.
        await scope.Store.UnlinkBlobAsync("library/busybox", Blob, CancellationToken.None);

        Assert.Equal(77, await replicaB.GetLinkedBlobSizeAsync("library/busybox", Blob, CancellationToken.None));
    }

    [Fact]
    public async Task EveryLinkCall_RedisKilledMidRun_KeepsAnsweringFromTheStore()
    {
        await using var scope = await MetadataStoreScope.CreateAsync();
        await using var connection = new RedisConnection(new RedisOptions { Addr = redis!.Address });
        var store = new CachingMetadataStore(scope.Store, NewCache(connection));
        await store.LinkBlobAsync("r", Blob, 10, CancellationToken.None);
        Assert.Equal(10, await store.GetLinkedBlobSizeAsync("r", Blob, CancellationToken.None));

        redis.Kill();

        Assert.Equal(10, await store.GetLinkedBlobSizeAsync("r", Blob, CancellationToken.None));
        await store.LinkBlobAsync("r", Other, 20, CancellationToken.None);
        Assert.Equal(20, await store.GetLinkedBlobSizeAsync("r", Other, CancellationToken.None));
        Assert.True(await store.UnlinkBlobAsync("r", Blob, CancellationToken.None));
        Assert.Null(await store.GetLinkedBlobSizeAsync("r", Blob, CancellationToken.None));
    }

    private static RedisBlobDescriptorCache NewCache(RedisConnection connection) =>
        new(connection, new BlobDescriptorCacheOptions(), new CapturingLogger<RedisBlobDescriptorCache>());
}
