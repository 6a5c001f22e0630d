using EdgeRegistry.Distribution.Digests;
using StackExchange.Redis;

namespace EdgeRegistry.Origin.Caching;

/// <summary>
/// <c>storage.cache.blobdescriptor: redis</c>: descriptors shared by every origin replica on one Redis, one
/// string key per link, <c>edgeregistry:blobdescriptor:&lt;repository&gt;@&lt;digest&gt;</c> holding the
/// size, expiring after <see cref="BlobDescriptorCacheOptions.TimeToLive"/>. Any Redis failure is a miss
/// (or a skipped write): it is logged once when Redis becomes unreachable and once when it is back.
/// </summary>
internal sealed partial class RedisBlobDescriptorCache(
    RedisConnection connection,
    BlobDescriptorCacheOptions options,
    ILogger<RedisBlobDescriptorCache> logger) : IBlobDescriptorCache
{
    private const string KeyPrefix = "edgeregistry:blobdescriptor:";

    private int unreachable;

    public async ValueTask<long?> GetLinkedSizeAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            var database = await connection.GetDatabaseAsync();
            var value = await database.StringGetAsync(Key(repository, digest));
            Reachable();
            return value.HasValue && long.TryParse((string?)value, out var size) ? size : null;
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            Unreachable(exception);
            return null;
        }
    }

    public async ValueTask SetLinkedAsync(string repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        try
        {
            var database = await connection.GetDatabaseAsync();
            await database.StringSetAsync(Key(repository, digest), size, options.TimeToLive);
            Reachable();
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            Unreachable(exception);
        }
    }

    public async ValueTask RemoveLinkAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            var database = await connection.GetDatabaseAsync();
            await database.KeyDeleteAsync(Key(repository, digest));
            Reachable();
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            // A removal that did not happen leaves a link served until its entry expires; say so loudly.
            Log.RemovalFailed(logger, repository, digest.ToString(), options.TimeToLive.TotalSeconds);
            Unreachable(exception);
        }
    }

    private static RedisKey Key(string repository, Digest digest) => $"{KeyPrefix}{repository}@{digest}";

    private static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException or System.Net.Sockets.SocketException;

    private void Unreachable(Exception exception)
    {
        if (Interlocked.Exchange(ref unreachable, 1) == 0)
        {
            Log.Unreachable(logger, connection.Address, exception.Message);
        }
    }

    private void Reachable()
    {
        if (Volatile.Read(ref unreachable) == 1 && Interlocked.Exchange(ref unreachable, 0) == 1)
        {
            Log.Reachable(logger, connection.Address);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1320, Level = LogLevel.Warning, Message = "Redis at {Address} is unreachable ({Reason}); blob descriptors come from the metadata store until it is back")]
        public static partial void Unreachable(ILogger logger, string address, string reason);

        [LoggerMessage(EventId = 1321, Level = LogLevel.Information, Message = "Redis at {Address} is reachable again; blob descriptors are cached")]
        public static partial void Reachable(ILogger logger, string address);

        [LoggerMessage(EventId = 1322, Level = LogLevel.Warning, Message = "Could not remove the cached link of {Digest} in {Repository}; it may be served for up to {Seconds} s more")]
        public static partial void RemovalFailed(ILogger logger, string repository, string digest, double seconds);
    }
}
