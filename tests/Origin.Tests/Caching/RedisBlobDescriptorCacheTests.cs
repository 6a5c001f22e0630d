using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Caching;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Tests.Storage.S3;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Origin.Tests.Caching;

/// <summary>The Redis cache on a real redis-server: shared between replicas, and a miss, never an error, when Redis is gone.</summary>
public sealed class RedisBlobDescriptorCacheTests : IAsyncLifetime
{
    private static readonly Digest Blob = DigestHasher.Compute("layer"u8);

    private readonly List<RedisConnection> connections = [];
    private RedisServer? redis;

    private RedisServer Redis => redis!;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task SetLinkedAsync_OnOneReplica_TheOtherReplicaGetsIt()
    {
        var first = NewCache(out _);
        var second = NewCache(out _);

        await first.SetLinkedAsync("library/busybox", Blob, 1234, CancellationToken.None);

        Assert.Equal(1234, await second.GetLinkedSizeAsync("library/busybox", Blob, CancellationToken.None));
        Assert.Null(await second.GetLinkedSizeAsync("library/other", Blob, CancellationToken.None));
    }

    [Fact]
    public async Task RemoveLinkAsync_OnOneReplica_TheOtherReplicaMisses()
    {
        var first = NewCache(out _);
        var second = NewCache(out _);
        await second.SetLinkedAsync("library/busybox", Blob, 1234, CancellationToken.None);

        await first.RemoveLinkAsync("library/busybox", Blob, CancellationToken.None);

        Assert.Null(await second.GetLinkedSizeAsync("library/busybox", Blob, CancellationToken.None));
    }

    [Fact]
    public async Task SetLinkedAsync_Entry_ExpiresAfterTheTimeToLive()
    {
        var cache = NewCache(out var connection, new BlobDescriptorCacheOptions { TimeToLive = TimeSpan.FromMinutes(5) });

        await cache.SetLinkedAsync("library/busybox", Blob, 1, CancellationToken.None);

        var database = await connection.GetDatabaseAsync();
        var ttl = await database.KeyTimeToLiveAsync($"edgeregistry:blobdescriptor:library/busybox@{Blob}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task GetLinkedSizeAsync_RedisKilledThenBack_MissesWithoutErrorsThenCachesAgain()
    {
        var logger = new CapturingLogger<RedisBlobDescriptorCache>();
        var cache = NewCache(out _, logger: logger);
        await cache.SetLinkedAsync("r", Blob, 5, CancellationToken.None);

        Redis.Kill();
        var whileDown = await cache.GetLinkedSizeAsync("r", Blob, CancellationToken.None);
        await cache.SetLinkedAsync("r", Blob, 5, CancellationToken.None);
        await cache.RemoveLinkAsync("r", Blob, CancellationToken.None);
        var againWhileDown = await cache.GetLinkedSizeAsync("r", Blob, CancellationToken.None);

        await Redis.StartAgainAsync(CancellationToken.None);
        // The multiplexer reconnects in the background: wait for it, boundedly.
        long? afterRestart = null;
        for (var attempt = 0; attempt < 200 && afterRestart is null; attempt++)
        {
            await cache.SetLinkedAsync("r", Blob, 6, CancellationToken.None);
            afterRestart = await cache.GetLinkedSizeAsync("r", Blob, CancellationToken.None);
            if (afterRestart is null)
            {
                await Task.Delay(50);
            }
        }

        Assert.Null(whileDown);
        Assert.Null(againWhileDown);
        Assert.Equal(6, afterRestart);
        Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("unreachable", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Information && entry.Message.Contains("reachable again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetLinkedSizeAsync_NothingListens_Misses()
    {
        await using var connection = new RedisConnection(new RedisOptions { Addr = $"127.0.0.1:{Redis.Port}" });
        Redis.Kill();
        var cache = new RedisBlobDescriptorCache(connection, new BlobDescriptorCacheOptions(), new CapturingLogger<RedisBlobDescriptorCache>());

        Assert.Null(await cache.GetLinkedSizeAsync("r", Blob, CancellationToken.None));
    }

    [Fact]
    public void Configure_RedisSection_MapsEveryOption()
    {
        var configuration = RedisConnection.Configure(new RedisOptions
        {
            Addr = "redis.example:6380",
            Password = "secret",
            Db = 3,
            DialTimeout = TimeSpan.FromMilliseconds(300),
            ReadTimeout = TimeSpan.FromMilliseconds(200),
            WriteTimeout = TimeSpan.FromMilliseconds(400),
            TlsEnabled = true,
        });

        var endpoint = Assert.IsType<System.Net.DnsEndPoint>(Assert.Single(configuration.EndPoints));
        Assert.Equal(("redis.example", 6380), (endpoint.Host, endpoint.Port));
        Assert.Equal("secret", configuration.Password);
        Assert.Equal(3, configuration.DefaultDatabase);
        Assert.True(configuration.Ssl);
        Assert.Equal(300, configuration.ConnectTimeout);
        Assert.Equal(400, configuration.AsyncTimeout);
        Assert.False(configuration.AbortOnConnectFail);
        Assert.Equal(StackExchange.Redis.BacklogPolicy.FailFast, configuration.BacklogPolicy);
    }

    private RedisBlobDescriptorCache NewCache(out RedisConnection connection, BlobDescriptorCacheOptions? options = null, ILogger<RedisBlobDescriptorCache>? logger = null)
    {
        connection = new RedisConnection(new RedisOptions { Addr = Redis.Address });
        connections.Add(connection);
        return new RedisBlobDescriptorCache(connection, options ?? new BlobDescriptorCacheOptions(), logger ?? new CapturingLogger<RedisBlobDescriptorCache>());
    }
}
