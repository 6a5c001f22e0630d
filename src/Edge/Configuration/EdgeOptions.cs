namespace EdgeRegistry.Edge.Configuration;

/// <summary>
/// Everything the edge is configured with: the YAML file's sections, after <c>EDGE_</c> environment
/// overrides. Build one with <see cref="EdgeConfigurationLoader"/> or by hand (tests); either way it is
/// checked by <see cref="EdgeOptionsValidator"/> before the edge starts.
/// </summary>
public sealed record EdgeOptions
{
    /// <summary>Address Kestrel listens on: <c>host:port</c>, <c>[::]:port</c> or <c>*:port</c>; port 0 picks a free port.</summary>
    public string Listen { get; init; } = "0.0.0.0:5000";

    public OriginOptions Origin { get; init; } = new();

    public CacheOptions Cache { get; init; } = new();

    public AuthorizationOptions Authorization { get; init; } = new();

    public ManifestOptions Manifests { get; init; } = new();

    public TlsOptions Tls { get; init; } = new();

    public LogOptions Log { get; init; } = new();

    public CloudFrontOptions CloudFront { get; init; } = new();

    public UpstreamOptions Upstream { get; init; } = new();

    public PullThroughOptions PullThrough { get; init; } = new();

    public MirrorOptions Mirror { get; init; } = new();
}
