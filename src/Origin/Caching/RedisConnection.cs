using EdgeRegistry.Origin.Configuration;
using StackExchange.Redis;

namespace EdgeRegistry.Origin.Caching;

/// <summary>
/// The one Redis connection of the process (StackExchange.Redis multiplexes every command over it), made
/// from the <c>redis</c> section. It is opened at first use and never fails to open: an unreachable Redis
/// is retried in the background, and meanwhile commands fail at once (no backlog), so callers degrade
/// instead of waiting. <c>redis.pool</c> does not apply to a multiplexer and is accepted for compatibility.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions configuration;
    private readonly Lazy<Task<IConnectionMultiplexer>> connection;

    public RedisConnection(RedisOptions options)
    {
        Address = options.Addr;
        configuration = Configure(options);
        connection = new Lazy<Task<IConnectionMultiplexer>>(
            async () => await ConnectionMultiplexer.ConnectAsync(configuration),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The address as configured (<c>redis.addr</c>), for messages.</summary>
    public string Address { get; }

    /// <summary>The database <c>redis.db</c> selects.</summary>
    public async Task<IDatabase> GetDatabaseAsync() => (await connection.Value).GetDatabase();

    /// <summary>The options the multiplexer is made with (for tests and messages; the password is in it).</summary>
    internal static ConfigurationOptions Configure(RedisOptions options)
    {
        var configuration = new ConfigurationOptions
        {
            Password = string.IsNullOrEmpty(options.Password) ? null : options.Password,
            DefaultDatabase = options.Db,
            Ssl = options.TlsEnabled,
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            ConnectTimeout = Milliseconds(options.DialTimeout ?? TimeSpan.FromSeconds(2)),
            // One timeout for every command: the longer of the read and write timeouts.
            AsyncTimeout = Milliseconds(Max(options.ReadTimeout, options.WriteTimeout) ?? TimeSpan.FromSeconds(1)),
            SyncTimeout = Milliseconds(Max(options.ReadTimeout, options.WriteTimeout) ?? TimeSpan.FromSeconds(1)),
            ClientName = "edgeregistry-origin",
        };
        configuration.EndPoints.Add(options.Addr);
        return configuration;
    }

    public async ValueTask DisposeAsync()
    {
        if (connection.IsValueCreated)
        {
            try
            {
                await (await connection.Value).DisposeAsync();
            }
            catch (RedisException)
            {
                // It never connected; nothing to close.
            }
        }
    }

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static int Milliseconds(TimeSpan value) => (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);
}
