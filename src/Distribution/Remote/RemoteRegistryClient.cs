using System.Buffers;
using System.Net;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;
using Polly;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// The client of one remote registry (OCI Distribution Spec v1.1, pull side): manifests by tag or digest,
/// blobs streamed as they arrive. It answers the registry's Basic or Bearer challenges, trusts the system's
/// roots plus the configured CA directory (or nothing, for an insecure registry), and sends every request
/// through one resilience pipeline (timeouts, retries, circuit breaker) for this upstream.
/// </summary>
/// <remarks>
/// Every failure is a <see cref="RegistryException"/>: MANIFEST_UNKNOWN or BLOB_UNKNOWN (404), UNAUTHORIZED
/// (401 once the challenge was answered, or no credentials for it), DENIED (403, or a registry off the
/// allowlist), TOOMANYREQUESTS (429 beyond its retries or with a <c>Retry-After</c> past the bound),
/// UNAVAILABLE (5xx, timeouts, connection or TLS failures after retries, or an open circuit), DIGEST_INVALID
/// (content that does not match its digest), NAME_INVALID (a malformed repository). Thread-safe; dispose it to
/// close its connections. Docker Hub repositories without a namespace are read under <c>library/</c>.
/// </remarks>
public sealed partial class RemoteRegistryClient : IDisposable
{
    private static readonly string[] DefaultAccept =
    [
        MediaTypes.OciIndex,
        MediaTypes.OciManifest,
        MediaTypes.DockerManifestList,
        MediaTypes.DockerManifest,
        MediaTypes.DockerSchema1Signed,
        MediaTypes.DockerSchema1,
    ];

    private readonly RemoteRegistryOptions options;
    private readonly TimeProvider timeProvider;
    private readonly HttpClient http;
    private readonly RegistryTrust trust;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;
    private readonly RegistryAuthenticator authenticator;
    private readonly Uri? plainFallback;
    private Uri endpoint;

    /// <summary>
    /// A client for <paramref name="registry"/> (<c>host</c> or <c>host:port</c>; Docker Hub as <c>docker.io</c>),
    /// served at its alias in <paramref name="options"/> or at its default endpoint. <paramref name="credential"/>
    /// null looks the registry up in <see cref="RemoteRegistryOptions.CredentialsFile"/>, when one is set.
    /// Throws <see cref="RegistryException"/> (DENIED) for a registry off the allowlist, and
    /// <see cref="ArgumentException"/> for invalid options, a malformed registry name, or a plain http endpoint
    /// for a registry not listed as insecure.
    /// </summary>
    public RemoteRegistryClient(string registry, RemoteRegistryOptions options, RegistryCredential? credential = null, TimeProvider? timeProvider = null)
        : this(registry, options, credential ?? LookUpCredential(registry, options), timeProvider, validated: false)
    {
    }

    internal RemoteRegistryClient(string registry, RemoteRegistryOptions options, RegistryCredential? credential, TimeProvider? timeProvider, bool validated)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!validated && options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException($"invalid remote registry options: {string.Join("; ", errors)}", nameof(options));
        }

        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        Registry = RegistryHost.Normalize(registry);
        UpstreamAllowlist.From(options.AllowedRegistries).EnsureAllowed(Registry);

        var insecure = options.InsecureRegistries.Select(RegistryHostPattern.Parse).ToArray();
        var aliased = new RegistryAliases(options.Aliases).TryGetEndpoint(Registry, out var alias);
        endpoint = alias ?? RegistryAliases.DefaultEndpoint(Registry);
        IsInsecure = RegistryHostPattern.MatchesAny(insecure, Registry) || RegistryHostPattern.MatchesAny(insecure, endpoint.Authority);
        if (endpoint.Scheme == Uri.UriSchemeHttp && !IsInsecure)
        {
            throw new ArgumentException($"registry {Registry} is served at the plain http endpoint {endpoint} but is not listed as insecure", nameof(options));
        }

        if (IsInsecure && !aliased)
        {
            // Like the docker daemon: an insecure registry is tried with TLS first (unverified), then plain HTTP.
            plainFallback = new UriBuilder(endpoint) { Scheme = Uri.UriSchemeHttp, Port = endpoint.IsDefaultPort ? -1 : endpoint.Port }.Uri;
        }

        trust = RegistryTrust.Create(options.CaDirectory, Registry, endpoint, skipVerification: IsInsecure);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Layers are gzip bytes with a digest: they must arrive exactly as stored, never decoded.
            AutomaticDecompression = DecompressionMethods.None,
            // Registries redirect blob GETs to object storage or a CDN; Authorization is dropped on redirect.
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = trust.Validate },
        };
        http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
        pipeline = RemoteResilience.Create(options, this.timeProvider);
        authenticator = new RegistryAuthenticator(
            Registry,
            credential,
            new TokenCache(this.timeProvider),
            options.DefaultTokenLifetime,
            allowPlainHttpRealm: IsInsecure,
            (build, ct) => ExecuteAsync(_ => build(), allowPlainFallback: false, ct));
    }

    /// <summary>The registry's normalized name.</summary>
    public string Registry { get; }

    /// <summary>The endpoint requests go to (for an insecure registry, plain HTTP once TLS failed there).</summary>
    public Uri Endpoint => Volatile.Read(ref endpoint);

    /// <summary>True when the registry, or the endpoint serving it, is listed as insecure (TLS unverified, or plain HTTP).</summary>
    public bool IsInsecure { get; }

    public void Dispose()
    {
        http.Dispose();
        trust.Dispose();
    }

    private static RegistryCredential? LookUpCredential(string registry, RemoteRegistryOptions options) =>
        options?.CredentialsFile is { } file && File.Exists(file) ? DockerConfigCredentials.Load(file).Find(registry) : null;

    /// <summary>The upstream's <c>Docker-Content-Digest</c>; null when absent or malformed.</summary>
    private static Digest? AnnouncedDigest(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var digest)
            ? digest
            : null;

    private string NormalizeRepository(string repository)
    {
        var name = DockerHubNames.IsDockerHub(Registry) && !string.IsNullOrEmpty(repository) ? DockerHubNames.Normalize(repository) : repository;
        return RepositoryName.Validate(name);
    }
}
