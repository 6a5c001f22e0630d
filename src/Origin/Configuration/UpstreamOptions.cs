using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// Our own <c>upstream</c> section (distribution has none): how the origin reaches remote registries for image
/// stream imports and pull-through. Every key has its <c>REGISTRY_UPSTREAM_&lt;KEY&gt;</c> override.
/// <list type="bullet">
/// <item><c>allowed</c>: the upstream allowlist (the seed's <c>--block-registry=all</c> with <c>--add-registry</c>
/// entries): host, <c>host:port</c> or <c>*.example.com</c>. Absent: every registry is allowed; a list, even
/// <c>[]</c>, allows only its entries.</item>
/// <item><c>insecure</c>: registries reached over plain HTTP or unverified TLS (host, <c>host:port</c>,
/// <c>*.domain</c> or a CIDR network, as docker's <c>--insecure-registry</c>).</item>
/// <item><c>aliases</c>: registry name → endpoint serving it (<c>docker.io: https://mirror.internal:5000</c>),
/// for air-gapped sites and tests.</item>
/// <item><c>credentials</c>: a docker <c>config.json</c> with per-registry credentials.</item>
/// <item><c>cadirectory</c>: CA certificates trusted besides the system's (the seed's <c>/etc/pki/tls/certs</c>).</item>
/// <item><c>connecttimeout</c> (10s), <c>attempttimeout</c> (30s: until response headers, and the longest
/// silence while a blob streams), <c>totaltimeout</c> (90s: all attempts of one request), <c>retries</c> (3),
/// <c>retrydelay</c> (250ms, doubling with jitter), <c>retrymaxdelay</c> (10s), <c>maxretryafter</c> (30s),
/// <c>blobtimeout</c> (30m: the longest one blob may take to arrive whole).</item>
/// </list>
/// </summary>
internal sealed record UpstreamOptions
{
    // Which key each setting of RemoteRegistryOptions comes from, to name it in validation errors.
    private static readonly (string Property, string Key)[] Keys =
    [
        (nameof(RemoteRegistryOptions.AllowedRegistries), "allowed"),
        (nameof(RemoteRegistryOptions.InsecureRegistries), "insecure"),
        (nameof(RemoteRegistryOptions.Aliases), "aliases"),
        (nameof(RemoteRegistryOptions.CredentialsFile), "credentials"),
        (nameof(RemoteRegistryOptions.CaDirectory), "cadirectory"),
        (nameof(RemoteRegistryOptions.ConnectTimeout), "connecttimeout"),
        (nameof(RemoteRegistryOptions.AttemptTimeout), "attempttimeout"),
        (nameof(RemoteRegistryOptions.TotalTimeout), "totaltimeout"),
        (nameof(RemoteRegistryOptions.RetryCount), "retries"),
        (nameof(RemoteRegistryOptions.RetryBaseDelay), "retrydelay"),
        (nameof(RemoteRegistryOptions.RetryMaxDelay), "retrymaxdelay"),
        (nameof(RemoteRegistryOptions.MaxRetryAfter), "maxretryafter"),
    ];

    /// <summary>The settings of the remote registry client, as bound.</summary>
    public RemoteRegistryOptions Remote { get; init; } = new();

    /// <summary>The longest a blob fetched for pull-through may take to arrive whole.</summary>
    public TimeSpan BlobTimeout { get; init; } = TimeSpan.FromMinutes(30);

    internal static UpstreamOptions Bind(ConfigMapping section)
    {
        var defaults = new RemoteRegistryOptions();
        var remote = new RemoteRegistryOptions
        {
            AllowedRegistries = section.OptionalStringList("allowed"),
            InsecureRegistries = section.StringList("insecure"),
            Aliases = section.StringMap("aliases"),
            CredentialsFile = NonEmpty(section, "credentials"),
            CaDirectory = NonEmpty(section, "cadirectory"),
            ConnectTimeout = section.Duration("connecttimeout", defaults.ConnectTimeout, allowZero: false),
            AttemptTimeout = section.Duration("attempttimeout", defaults.AttemptTimeout, allowZero: false),
            TotalTimeout = section.Duration("totaltimeout", defaults.TotalTimeout, allowZero: false),
            RetryCount = section.Int("retries", defaults.RetryCount, minimum: 0, maximum: 20),
            RetryBaseDelay = section.Duration("retrydelay", defaults.RetryBaseDelay),
            RetryMaxDelay = section.Duration("retrymaxdelay", defaults.RetryMaxDelay),
            MaxRetryAfter = section.Duration("maxretryafter", defaults.MaxRetryAfter),
        };
        var blobTimeout = section.Duration("blobtimeout", TimeSpan.FromMinutes(30), allowZero: false);
        section.ReportUnknownKeys();

        foreach (var error in remote.Validate())
        {
            var (property, key) = Keys.Where(k => error.StartsWith(k.Property, StringComparison.Ordinal)).OrderByDescending(k => k.Property.Length).FirstOrDefault();
            if (key is null)
            {
                section.Error(error);
                continue;
            }

            // "Aliases.docker.io: ..." names the alias; "TotalTimeout (...) must ..." names the setting.
            var rest = error[property.Length..];
            if (rest.StartsWith('.'))
            {
                var colon = rest.IndexOf(": ", StringComparison.Ordinal);
                section.Errors.Add(ConfigurationErrors.Child(ConfigurationErrors.Child(section.Path, key), rest[1..colon]), rest[(colon + 2)..]);
            }
            else
            {
                section.Error(key, rest.TrimStart(':', ' '));
            }
        }

        if (remote.CredentialsFile is { } credentials && File.Exists(credentials))
        {
            try
            {
                DockerConfigCredentials.Load(credentials);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                section.Error("credentials", e.Message);
            }
        }

        return new UpstreamOptions { Remote = remote, BlobTimeout = blobTimeout };
    }

    private static string? NonEmpty(ConfigMapping section, string key)
    {
        var value = section.String(key);
        if (value is { Length: 0 })
        {
            section.Error(key, "must not be empty");
            return null;
        }

        return value;
    }
}
