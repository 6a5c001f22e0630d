namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The <c>redis</c> section (the seed's registry had no Redis; ours uses it for caches shared between
/// replicas): <c>addr</c> host:port (required), <c>password</c>, <c>db</c> (default 0), <c>dialtimeout</c>,
/// <c>readtimeout</c>, <c>writetimeout</c> (null: the client's defaults), <c>pool</c> and <c>tls.enabled</c>.
/// </summary>
internal sealed record RedisOptions
{
    public required string Addr { get; init; }

    public string? Password { get; init; }

    public int Db { get; init; }

    public TimeSpan? DialTimeout { get; init; }

    public TimeSpan? ReadTimeout { get; init; }

    public TimeSpan? WriteTimeout { get; init; }

    public RedisPoolOptions Pool { get; init; } = new();

    public bool TlsEnabled { get; init; }

    /// <summary>Null when the section is absent or null.</summary>
    internal static RedisOptions? Bind(ConfigMapping? section)
    {
        if (section is null)
        {
            return null;
        }

        var addr = section.String("addr");
        if (string.IsNullOrEmpty(addr))
        {
            section.Error("addr", "required");
        }
        else if (HttpListenAddress.TryParse(addr) is not { Host: not null })
        {
            section.Error("addr", $"{ConfigurationErrors.Quote(addr)} is not host:port");
        }

        var tls = section.MappingOrEmpty("tls");
        var options = new RedisOptions
        {
            Addr = addr ?? string.Empty,
            Password = section.String("password"),
            Db = section.Int("db", 0, minimum: 0),
            DialTimeout = section.OptionalDuration("dialtimeout", allowZero: false),
            ReadTimeout = section.OptionalDuration("readtimeout", allowZero: false),
            WriteTimeout = section.OptionalDuration("writetimeout", allowZero: false),
            Pool = RedisPoolOptions.Bind(section.MappingOrEmpty("pool")),
            TlsEnabled = tls.Bool("enabled", false),
        };
        tls.ReportUnknownKeys();
        section.ReportUnknownKeys();
        return options;
    }
}
