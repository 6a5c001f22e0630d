namespace EdgeRegistry.Origin.Configuration;

/// <summary><c>redis.pool</c>: <c>maxidle</c> (default 16), <c>maxactive</c> (default 64; 0 is unlimited), <c>idletimeout</c> (default 300s).</summary>
internal sealed record RedisPoolOptions
{
    public int MaxIdle { get; init; } = 16;

    public int MaxActive { get; init; } = 64;

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(300);

    internal static RedisPoolOptions Bind(ConfigMapping section)
    {
        var options = new RedisPoolOptions
        {
            MaxIdle = section.Int("maxidle", 16, minimum: 0),
            MaxActive = section.Int("maxactive", 64, minimum: 0),
            IdleTimeout = section.Duration("idletimeout", TimeSpan.FromSeconds(300)),
        };
        section.ReportUnknownKeys();
        return options;
    }
}
