using System.Collections.ObjectModel;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Edge.Configuration;

/// <summary>
/// How the edge reaches remote registries (pull-through and mirror mode), the origin's <c>upstream</c> section in
/// the edge's file: which registries may be used at all (<see cref="Allowed"/>), which are insecure, who serves a
/// name (<see cref="Aliases"/>), whose credentials to present, which CAs to trust, and the resilience towards them.
/// </summary>
public sealed record UpstreamOptions
{
    /// <summary>
    /// The upstream allowlist: a host (any port), <c>host:port</c> or <c>*.example.com</c>; Docker Hub's names count as
    /// <c>docker.io</c>. Null allows every registry; a list, even an empty one, allows only its entries.
    /// </summary>
    public IReadOnlyList<string>? Allowed { get; init; }

    /// <summary>Registries reached over plain HTTP or unverified TLS: host, <c>host:port</c>, <c>*.domain</c> or a CIDR network.</summary>
    public IReadOnlyList<string> Insecure { get; init; } = [];

    /// <summary>Registry name → endpoint that serves it (<c>docker.io: https://mirror.internal:5000</c>), for air-gapped sites and tests.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>A docker <c>config.json</c> with per-registry credentials; null for none (anonymous).</summary>
    public string? Credentials { get; init; }

    /// <summary>CA certificates trusted besides the system's; <c>&lt;dir&gt;/&lt;host[:port]&gt;/</c> for one registry only.</summary>
    public string? CaDirectory { get; init; }

    /// <summary>Time to open a connection (and its TLS handshake).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time one attempt may take to its response headers.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time all attempts of one request may take together.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries on 5xx, 408, 429 and connection failures (0 to 20).</summary>
    public int Retries { get; init; } = 3;

    /// <summary>The first retry's backoff, doubling per retry with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest backoff between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest <c>Retry-After</c> of a 429 that is waited for.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The settings of the remote registry clients these options describe.</summary>
    public RemoteRegistryOptions ToRemoteRegistryOptions() => new()
    {
        AllowedRegistries = Allowed,
        InsecureRegistries = Insecure,
        Aliases = Aliases,
        CredentialsFile = Credentials,
        CaDirectory = CaDirectory,
        ConnectTimeout = ConnectTimeout,
        AttemptTimeout = AttemptTimeout,
        TotalTimeout = TotalTimeout,
        RetryCount = Retries,
        RetryBaseDelay = RetryDelay,
        RetryMaxDelay = RetryMaxDelay,
        MaxRetryAfter = MaxRetryAfter,
        UserAgent = "EdgeRegistry-Edge",
    };

    /// <summary>Every problem, one line each naming its key (<c>upstream.aliases.docker.io: ...</c>).</summary>
    internal IEnumerable<string> Validate()
    {
        if (Retries is < 0 or > 20)
        {
            yield return "upstream.retries: must be between 0 and 20";
        }

        foreach (var error in ToRemoteRegistryOptions().Validate())
        {
            yield return KeyOf(error);
        }

        if (Credentials is { } file && File.Exists(file))
        {
            string? problem = null;
            try
            {
                DockerConfigCredentials.Load(file);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                problem = ex.Message;
            }

            if (problem is not null)
            {
                yield return $"upstream.credentials: {problem}";
            }
        }
    }

    // RemoteRegistryOptions names its properties; the operator wrote keys.
    private static string KeyOf(string error)
    {
        (string Property, string Key)[] keys =
        [
            (nameof(RemoteRegistryOptions.AllowedRegistries), "allowed"),
            (nameof(RemoteRegistryOptions.InsecureRegistries), "insecure"),
            (nameof(RemoteRegistryOptions.Aliases), "aliases"),
            (nameof(RemoteRegistryOptions.CredentialsFile), "credentials"),
            (nameof(RemoteRegistryOptions.CaDirectory), "caDirectory"),
            (nameof(RemoteRegistryOptions.ConnectTimeout), "connectTimeout"),
            (nameof(RemoteRegistryOptions.AttemptTimeout), "attemptTimeout"),
            (nameof(RemoteRegistryOptions.TotalTimeout), "totalTimeout"),
            (nameof(RemoteRegistryOptions.RetryCount), "retries"),
            (nameof(RemoteRegistryOptions.RetryBaseDelay), "retryDelay"),
            (nameof(RemoteRegistryOptions.RetryMaxDelay), "retryMaxDelay"),
            (nameof(RemoteRegistryOptions.MaxRetryAfter), "maxRetryAfter"),
        ];
        var (property, key) = keys.Where(k => error.StartsWith(k.Property, StringComparison.Ordinal)).OrderByDescending(k => k.Property.Length).FirstOrDefault();
        if (property is null)
        {
            return $"upstream: {error}";
        }

        // "Aliases.docker.io: ..." names the alias; "TotalTimeout (...) must ..." names the setting.
        var rest = error[property.Length..];
        return rest.StartsWith('.') ? $"upstream.{key}{rest}" : $"upstream.{key}: {rest.TrimStart(':', ' ')}";
    }
}
