namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The origin's configuration: CNCF distribution's <c>config.yml</c> (version 0.1) with the sections the seed
/// supports, plus our <c>metadata</c> and <c>upstream</c>. Loaded and validated by <see cref="OriginConfigurationLoader"/>; an
/// instance that exists is valid.
/// </summary>
/// <remarks>
/// <c>proxy</c> is rejected when it has content (the seed: pull-through is the openshift middleware's
/// <c>pullthrough</c> option, proxy mode must not be enabled), and so is <c>reporting</c> (unsupported in the
/// seed): an operator who configures either would otherwise believe it works. Both may be present but empty.
/// </remarks>
internal sealed record OriginOptions
{
    public string Version { get; init; } = "0.1";

    public LogOptions Log { get; init; } = new();

    public HttpOptions Http { get; init; } = new();

    public required StorageOptions Storage { get; init; }

    /// <summary>Null when the file has no <c>auth.openshift</c>.</summary>
    public AuthOptions? Auth { get; init; }

    public MiddlewareOptions Middleware { get; init; } = new();

    public NotificationsOptions Notifications { get; init; } = new();

    public HealthOptions Health { get; init; } = new();

    /// <summary>Null when the file has no <c>redis</c> section.</summary>
    public RedisOptions? Redis { get; init; }

    public MetadataOptions Metadata { get; init; } = new();

    /// <summary>How remote registries are reached for imports and pull-through; defaults when the file has no <c>upstream</c>.</summary>
    public UpstreamOptions Upstream { get; init; } = new();

    /// <summary>The top-level keys, in the order they are bound.</summary>
    internal static readonly string[] Sections =
    [
        "version", "log", "http", "storage", "auth", "middleware", "notifications", "health", "redis", "metadata", "upstream", "proxy", "reporting",
    ];

    internal static OriginOptions Bind(ConfigMapping root)
    {
        var version = root.String("version");
        if (version != "0.1")
        {
            root.Error("version", "must be 0.1");
        }

        var log = LogOptions.Bind(root.MappingOrEmpty("log"));
        var http = HttpOptions.Bind(root.MappingOrEmpty("http"));
        var storage = StorageOptions.Bind(root.MappingOrEmpty("storage"));
        var auth = AuthOptions.Bind(root.Mapping("auth"));
        var middleware = MiddlewareOptions.Bind(root.MappingOrEmpty("middleware"), storage.Driver);
        var notifications = NotificationsOptions.Bind(root.MappingOrEmpty("notifications"));
        var health = HealthOptions.Bind(root.MappingOrEmpty("health"));
        var redis = RedisOptions.Bind(root.Mapping("redis"));
        var metadata = MetadataOptions.Bind(root.MappingOrEmpty("metadata"), storage);
        var upstream = UpstreamOptions.Bind(root.MappingOrEmpty("upstream"));
        root.Reject("proxy", "not supported: pull-through is the openshift repository middleware's pullthrough option");
        root.Reject("reporting", "not supported");
        root.ReportUnknownKeys();

        if (storage.BlobDescriptorCache == BlobDescriptorCacheKind.Redis && redis is null)
        {
            root.Errors.Add("storage.cache.blobdescriptor", "redis requires the redis section (redis.addr)");
        }

        return new OriginOptions
        {
            Version = version ?? string.Empty,
            Log = log,
            Http = http,
            Storage = storage,
            Auth = auth,
            Middleware = middleware,
            Notifications = notifications,
            Health = health,
            Redis = redis,
            Metadata = metadata,
            Upstream = upstream,
        };
    }
}
