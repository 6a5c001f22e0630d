namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// How the origin and the edge talk to remote registries: resilience (timeouts, retries, circuit breaker),
/// trust (CA directory, insecure registries), which registries may be used (allowlist) and where they are
/// served (aliases), and whose credentials to present. One pipeline with these settings is built per upstream.
/// </summary>
public sealed record RemoteRegistryOptions
{
    /// <summary>Manifests larger than this (4 MiB, the origin's own limit) are refused.</summary>
    public const long DefaultMaxManifestBytes = 4 * 1024 * 1024;

    /// <summary>Time allowed to open a TCP connection (and TLS handshake) to an upstream.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time one attempt may take until the response headers arrive (for a manifest also until its body is
    /// read). A slow attempt is abandoned and retried.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time all attempts of one request may take together, waits between retries included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries after the first attempt, for 5xx, 408, 429 and connection failures; 0 disables retries.</summary>
    public int RetryCount { get; init; } = 3;

    /// <summary>The first retry's backoff; it doubles per retry, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest backoff between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <c>Retry-After</c> of a 429 that is waited for; a longer one fails the request with
    /// TOOMANYREQUESTS at once rather than holding the caller.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of failed attempts (0 to 1) within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Attempts needed within <see cref="BreakerSamplingDuration"/> before the circuit may open (at least 2).</summary>
    public int BreakerMinimumThroughput { get; init; } = 10;

    /// <summary>The window over which failures are counted.</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails requests at once (UNAVAILABLE) before trying the upstream again.</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest manifest accepted from an upstream, in bytes.</summary>
    public long MaxManifestBytes { get; init; } = DefaultMaxManifestBytes;

    /// <summary>Lifetime of a bearer token whose token response has no <c>expires_in</c> (the token spec's 60 s).</summary>
    public TimeSpan DefaultTokenLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A directory of CA certificates (<c>*.crt</c> and <c>*.pem</c> files, PEM bundles or DER) trusted in
    /// addition to the system's roots, like <c>/etc/pki/tls/certs</c>; the files of a sub-directory named after
    /// a registry (<c>host</c> or <c>host:port</c>, as in <c>/etc/docker/certs.d</c>) are trusted for that
    /// registry only. Null trusts the system's roots only.
    /// </summary>
    public string? CaDirectory { get; init; }

    /// <summary>
    /// Registries reached without verified TLS (docker's <c>--insecure-registry</c>): plain HTTP, or TLS whose
    /// certificate is not checked. Entries are a host, <c>host:port</c>, <c>*.domain</c> or a CIDR network.
    /// Every other registry must present a certificate trusted by the system or <see cref="CaDirectory"/>.
    /// An insecure registry without an alias is tried with TLS first and, when its port does not speak TLS,
    /// with plain HTTP from then on; one that serves TLS and plain HTTP on different ports needs an alias.
    /// </summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>
    /// The upstream allowlist (docker's <c>--block-registry=all</c> plus <c>--add-registry</c>): null allows
    /// every registry; a list, even an empty one, allows only its entries. See <see cref="UpstreamAllowlist"/>.
    /// </summary>
    public IReadOnlyList<string>? AllowedRegistries { get; init; }

    /// <summary>Registry name → endpoint URL that serves it (see <see cref="RegistryAliases"/>).</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();

    /// <summary>A docker <c>config.json</c> with per-registry credentials (see <see cref="DockerConfigCredentials"/>); null for none.</summary>
    public string? CredentialsFile { get; init; }

    /// <summary>The User-Agent sent upstream.</summary>
    public string UserAgent { get; init; } = "EdgeRegistry";

    /// <summary>Every problem of these options, one line each naming the setting; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        RequireAtLeast(errors, nameof(ConnectTimeout), ConnectTimeout, TimeSpan.FromMilliseconds(10));
        RequireAtLeast(errors, nameof(AttemptTimeout), AttemptTimeout, TimeSpan.FromMilliseconds(10));
        RequireAtLeast(errors, nameof(TotalTimeout), TotalTimeout, TimeSpan.FromMilliseconds(10));
        if (TotalTimeout < AttemptTimeout)
        {
            errors.Add($"{nameof(TotalTimeout)} ({TotalTimeout}) must not be shorter than {nameof(AttemptTimeout)} ({AttemptTimeout})");
        }

        if (RetryCount < 0)
        {
            errors.Add($"{nameof(RetryCount)} must not be negative");
        }

        RequireAtLeast(errors, nameof(RetryBaseDelay), RetryBaseDelay, TimeSpan.Zero);
        RequireAtLeast(errors, nameof(RetryMaxDelay), RetryMaxDelay, RetryBaseDelay);
        RequireAtLeast(errors, nameof(MaxRetryAfter), MaxRetryAfter, TimeSpan.Zero);
        if (BreakerFailureRatio is <= 0 or > 1 || double.IsNaN(BreakerFailureRatio))
        {
            errors.Add($"{nameof(BreakerFailureRatio)} must be greater than 0 and at most 1");
        }

        if (BreakerMinimumThroughput < 2)
        {
            errors.Add($"{nameof(BreakerMinimumThroughput)} must be at least 2");
        }

        RequireAtLeast(errors, nameof(BreakerSamplingDuration), BreakerSamplingDuration, TimeSpan.FromMilliseconds(500));
        RequireAtLeast(errors, nameof(BreakerBreakDuration), BreakerBreakDuration, TimeSpan.FromMilliseconds(500));
        if (MaxManifestBytes <= 0)
        {
            errors.Add($"{nameof(MaxManifestBytes)} must be positive");
        }

        RequireAtLeast(errors, nameof(DefaultTokenLifetime), DefaultTokenLifetime, TimeSpan.FromSeconds(1));
        if (CaDirectory is not null && !Directory.Exists(CaDirectory))
        {
            errors.Add($"{nameof(CaDirectory)}: directory '{CaDirectory}' does not exist");
        }

        foreach (var entry in InsecureRegistries)
        {
            if (!RegistryHostPattern.TryParse(entry, out _, out var reason))
            {
                errors.Add($"{nameof(InsecureRegistries)}: {reason}");
            }
        }

        foreach (var entry in AllowedRegistries ?? [])
        {
            if (!RegistryHostPattern.TryParse(entry, out var pattern, out var reason))
            {
                errors.Add($"{nameof(AllowedRegistries)}: {reason}");
            }
            else if (entry.Contains('/'))
            {
                errors.Add($"{nameof(AllowedRegistries)}: entry '{pattern.Text}' must be a host, host:port or *.domain");
            }
        }

        var insecure = InsecureRegistries.Where(e => RegistryHostPattern.TryParse(e, out _, out _)).Select(RegistryHostPattern.Parse).ToArray();
        foreach (var (registry, endpoint) in Aliases)
        {
            if (!RegistryHost.TrySplit(registry, out _, out _, out var reason))
            {
                errors.Add($"{nameof(Aliases)}: {reason}");
            }
            else if (!RegistryAliases.TryParseEndpoint(endpoint, out var uri, out reason))
            {
                errors.Add($"{nameof(Aliases)}.{registry}: {reason}");
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && !RegistryHostPattern.MatchesAny(insecure, registry) && !RegistryHostPattern.MatchesAny(insecure, uri.Authority))
            {
                errors.Add($"{nameof(Aliases)}.{registry}: plain http endpoint '{endpoint}' for a registry not listed in {nameof(InsecureRegistries)}");
            }
        }

        if (CredentialsFile is not null && !File.Exists(CredentialsFile))
        {
            errors.Add($"{nameof(CredentialsFile)}: file '{CredentialsFile}' does not exist");
        }

        if (string.IsNullOrWhiteSpace(UserAgent))
        {
            errors.Add($"{nameof(UserAgent)} must not be empty");
        }

        return errors;
    }

    private static void RequireAtLeast(List<string> errors, string name, TimeSpan value, TimeSpan minimum)
    {
        if (value < minimum)
        {
            errors.Add($"{name} ({value}) must be at least {minimum}");
        }
    }
}
