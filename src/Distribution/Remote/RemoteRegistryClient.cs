using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

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
public sealed class RemoteRegistryClient : IDisposable
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

    /// <summary>
    /// GETs the manifest <paramref name="reference"/> of <paramref name="repository"/>, offering
    /// <paramref name="accept"/> (null or empty: every manifest type). When the reference is a digest the
    /// payload is checked against it (DIGEST_INVALID on a mismatch); for a tag the digest is the payload's
    /// sha256 (DIGEST_INVALID when the upstream's <c>Docker-Content-Digest</c> disagrees). A payload over
    /// <see cref="RemoteRegistryOptions.MaxManifestBytes"/> is MANIFEST_INVALID.
    /// </summary>
    public async Task<RemoteManifest> GetManifestAsync(string repository, Reference reference, IReadOnlyList<string>? accept, CancellationToken cancellationToken)
    {
        var name = NormalizeRepository(repository);
        var what = Describe(name, reference);
        using var response = await SendAsync(HttpMethod.Get, $"v2/{name}/manifests/{reference}", name, request => AddAccept(request, accept), cancellationToken)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, ErrorCode.ManifestUnknown, what, cancellationToken).ConfigureAwait(false);

        var (payload, sha256) = await ReadManifestAsync(response, what, cancellationToken).ConfigureAwait(false);
        var mediaType = ManifestMediaType(response, payload);
        var announced = AnnouncedDigest(response);
        // A signed schema1 manifest's digest is that of its payload without the signatures, which only the
        // upstream can tell: its Docker-Content-Digest is taken for it.
        var schema1Signed = mediaType == MediaTypes.DockerSchema1Signed;

        Digest digest;
        if (reference.Digest is { } expected)
        {
            var actual = expected.Algorithm == Digest.Sha256 ? sha256 : DigestHasher.Compute(payload.Span, expected.Algorithm);
            if (actual != expected && !(schema1Signed && announced == expected))
            {
                throw new DigestMismatchException(expected, actual, null, payload.Length).ToRegistryException();
            }

            digest = expected;
        }
        else if (schema1Signed && announced is { } signedDigest)
        {
            digest = signedDigest;
        }
        else
        {
            if (announced is { Algorithm: Digest.Sha256 } claimed && claimed != sha256)
            {
                throw new RegistryException(
                    ErrorCode.DigestInvalid,
                    $"registry {Registry} announced digest {claimed} for {what} but its content has digest {sha256}",
                    new { registry = Registry, announced = claimed.ToString(), actual = sha256.ToString() });
            }

            digest = sha256;
        }

        return new RemoteManifest(payload, mediaType, digest);
    }

    /// <summary>
    /// HEADs the manifest <paramref name="reference"/> of <paramref name="repository"/>: resolving a tag this
    /// way does not count against Docker Hub's pull rate limit. When the upstream's answer lacks the digest,
    /// the size or a manifest media type, the manifest is fetched instead. Errors as <see cref="GetManifestAsync"/>.
    /// </summary>
    public async Task<RemoteManifestInfo> HeadManifestAsync(string repository, Reference reference, IReadOnlyList<string>? accept, CancellationToken cancellationToken)
    {
        var name = NormalizeRepository(repository);
        var what = Describe(name, reference);
        Digest? digest;
        long? size;
        string? mediaType;
        using (var response = await SendAsync(HttpMethod.Head, $"v2/{name}/manifests/{reference}", name, request => AddAccept(request, accept), cancellationToken)
            .ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, ErrorCode.ManifestUnknown, what, cancellationToken).ConfigureAwait(false);
            digest = AnnouncedDigest(response);
            size = response.Content.Headers.ContentLength;
            mediaType = MediaTypes.Essence(response.Content.Headers.ContentType?.MediaType);
        }

        if (digest is null || size is null || mediaType is null || !MediaTypes.IsManifestType(mediaType))
        {
            var manifest = await GetManifestAsync(name, reference, accept, cancellationToken).ConfigureAwait(false);
            return new RemoteManifestInfo(manifest.Digest, manifest.MediaType, manifest.Payload.Length);
        }

        if (reference.Digest is { } expected && expected != digest)
        {
            throw new RegistryException(
                ErrorCode.DigestInvalid,
                $"registry {Registry} answered digest {digest} for {what}",
                new { registry = Registry, expected = expected.ToString(), actual = digest.ToString() });
        }

        return new RemoteManifestInfo(digest.Value, mediaType, size.Value);
    }

    /// <summary>
    /// Opens the blob <paramref name="digest"/> of <paramref name="repository"/> from <paramref name="offset"/>
    /// (null or 0: the whole blob, whose digest and length are then checked as it is read; see
    /// <see cref="RemoteBlob"/>). The body is streamed, never buffered; the request is retried only until its
    /// headers arrive. BLOB_UNKNOWN for a 404; the range error when the offset is past the end.
    /// </summary>
    public async Task<RemoteBlob> OpenBlobAsync(string repository, Digest digest, long? offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset ?? 0, nameof(offset));
        var name = NormalizeRepository(repository);
        var what = $"blob {digest} of {name}";
        var from = offset ?? 0;
        var response = await SendAsync(
            HttpMethod.Get,
            $"v2/{name}/blobs/{digest}",
            name,
            request =>
            {
                if (from > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(from, null);
                }
            },
            cancellationToken).ConfigureAwait(false);
        Stream? body = null;
        try
        {
            await EnsureSuccessAsync(response, ErrorCode.BlobUnknown, what, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var contentLength = response.Content.Headers.ContentLength;
            var contentType = response.Content.Headers.ContentType?.ToString();
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                var range = response.Content.Headers.ContentRange;
                if (from == 0 || range?.From != from)
                {
                    throw new RegistryException(
                        ErrorCode.Unknown,
                        $"registry {Registry} answered a range of {what} that was not asked for",
                        new { registry = Registry, asked = from, answered = range?.ToString() });
                }

                return new RemoteBlob(response, body, from, contentLength, range.Length, contentType, isVerified: false);
            }

            var verifying = new DigestVerifyingStream(body, digest, contentLength);
            body = verifying;
            if (from > 0)
            {
                // The upstream ignored Range and sent the whole blob: skip to the offset, hashing on the way,
                // so the digest is still checked at the end.
                await SkipAsync(verifying, from, what, cancellationToken).ConfigureAwait(false);
            }

            return new RemoteBlob(response, verifying, from, contentLength - from, contentLength, contentType, isVerified: true);
        }
        catch
        {
            if (body is not null)
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }

            response.Dispose();
            throw;
        }
    }

    /// <summary>True when the upstream has the blob (HEAD answered 2xx), false for a 404; other failures throw.</summary>
    public async Task<bool> BlobExistsAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        var name = NormalizeRepository(repository);
        using var response = await SendAsync(HttpMethod.Head, $"v2/{name}/blobs/{digest}", name, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureSuccessAsync(response, ErrorCode.BlobUnknown, $"blob {digest} of {name}", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The tags of <paramref name="repository"/> (<c>GET /v2/&lt;name&gt;/tags/list</c>, following the <c>Link</c>
    /// header's <c>rel="next"</c> pages on this registry), in the order the registry lists them, at most
    /// <paramref name="limit"/>; names that are not valid tags are left out. NAME_UNKNOWN for a 404; a page larger
    /// than <see cref="RemoteRegistryOptions.MaxManifestBytes"/> or not the spec's JSON is UNKNOWN.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var name = NormalizeRepository(repository);
        var what = $"the tags of {name}";
        var tags = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? path = $"v2/{name}/tags/list";
        // A registry that links back to a page it sent must not hold the caller forever.
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (path is not null && tags.Count < limit && visited.Add(path))
        {
            using var response = await SendAsync(HttpMethod.Get, path, name, null, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, ErrorCode.NameUnknown, what, cancellationToken).ConfigureAwait(false);
            byte[] body;
            try
            {
                body = await UpstreamErrors.ReadBoundedAsync(response.Content, (int)Math.Min(options.MaxManifestBytes, int.MaxValue), cancellationToken).ConfigureAwait(false);
            }
            catch (ContentTooLargeException)
            {
                throw new RegistryException(ErrorCode.Unknown, $"registry {Registry} sent a page of {what} that is too large", new { registry = Registry });
            }

            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && document.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        if (item.ValueKind == System.Text.Json.JsonValueKind.String && item.GetString() is { } tag && Tag.IsValid(tag) && seen.Add(tag) && tags.Count < limit)
                        {
                            tags.Add(tag);
                        }
                    }
                }
            }
            catch (System.Text.Json.JsonException)
            {
                throw new RegistryException(ErrorCode.Unknown, $"registry {Registry} sent {what} in a form that is not the spec's JSON", new { registry = Registry });
            }

            path = NextPage(response);
        }

        return tags;
    }

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

    /// <summary>
    /// The path and query of the <c>Link: &lt;...&gt;; rel="next"</c> header (RFC 5988, as the distribution spec's
    /// pagination uses it) without its leading slash, so it is resolved against this registry's endpoint whatever
    /// host it names; null when there is no next page.
    /// </summary>
    private static string? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var open = value.IndexOf('<');
            var close = value.IndexOf('>');
            if (open < 0 || close <= open || !value[(close + 1)..].Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var target = value[(open + 1)..close];
            // Only an http(s) URL is absolute here: on Unix "/v2/..." would parse as an absolute file URI.
            if ((target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
            {
                target = absolute.PathAndQuery;
            }

            target = target.TrimStart('/');
            return target.StartsWith("v2/", StringComparison.Ordinal) ? target : null;
        }

        return null;
    }

    private static string Describe(string name, Reference reference) =>
        reference.IsDigest ? $"manifest {name}@{reference}" : $"manifest {name}:{reference}";

    private static void AddAccept(HttpRequestMessage request, IReadOnlyList<string>? accept)
    {
        foreach (var mediaType in accept is { Count: > 0 } ? accept : DefaultAccept)
        {
            request.Headers.Accept.ParseAdd(mediaType);
        }
    }

    private string NormalizeRepository(string repository)
    {
        var name = DockerHubNames.IsDockerHub(Registry) && !string.IsNullOrEmpty(repository) ? DockerHubNames.Normalize(repository) : repository;
        return RepositoryName.Validate(name);
    }

    private static string ManifestMediaType(HttpResponseMessage response, ReadOnlyMemory<byte> payload)
    {
        var declared = MediaTypes.Essence(response.Content.Headers.ContentType?.MediaType);
        // Some registries answer application/json or text/plain: the payload then says what it is.
        return declared is not null && MediaTypes.IsManifestType(declared) ? declared : ManifestParser.Parse(payload, null).MediaType;
    }

    private async Task<(ReadOnlyMemory<byte> Payload, Digest Sha256)> ReadManifestAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var limit = options.MaxManifestBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(what, limit);
        }

        // The body of a manifest is read under the attempt timeout too: a stalled upstream must not hold the caller.
        using var bodyTimeout = new CancellationTokenSource(options.AttemptTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bodyTimeout.Token);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var buffer = new MemoryStream((int)Math.Min(response.Content.Headers.ContentLength ?? 4096, limit));
            var copied = await StreamHashing.CopyAndHashAsync(stream, buffer, limit, linked.Token).ConfigureAwait(false);
            return (buffer.GetBuffer().AsMemory(0, (int)copied.Length), copied.Digest);
        }
        catch (ContentTooLargeException)
        {
            throw TooLarge(what, limit);
        }
        catch (OperationCanceledException) when (bodyTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException(ErrorCode.Unavailable, $"registry {Registry} timed out sending {what}", new { registry = Registry });
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new RegistryException(ErrorCode.Unavailable, $"reading {what} from registry {Registry} failed: {e.Message}", new { registry = Registry });
        }
    }

    private RegistryException TooLarge(string what, long limit) =>
        new(ErrorCode.ManifestInvalid, $"{what} of registry {Registry} is larger than {limit} bytes", new { registry = Registry, limit });

    private async Task SkipAsync(Stream stream, long count, string what, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(StreamHashing.BufferSize);
        try
        {
            while (count > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new RegistryException(ErrorCode.RangeInvalid, $"{what} of registry {Registry} ends before the requested offset", new { registry = Registry });
                }

                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, ErrorCode notFound, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await UpstreamErrors.FromResponseAsync(response, Registry, notFound, what, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a request for <paramref name="repository"/>, answering one authentication challenge. The response
    /// may have any status: 401 remains only when the challenge could not be met.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        string repository,
        Action<HttpRequestMessage>? configure,
        CancellationToken cancellationToken)
    {
        var scope = RegistryAuthenticator.PullScope(repository);
        var authorization = await authenticator.GetAuthorizationAsync(scope, cancellationToken).ConfigureAwait(false);
        var response = await ExecuteAsync(baseUri => Build(method, baseUri, path, authorization, configure), allowPlainFallback: true, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || AuthChallenge.Select(response.Headers.WwwAuthenticate) is not { } challenge)
        {
            return response;
        }

        AuthenticationHeaderValue answer;
        try
        {
            answer = await authenticator.AuthorizeAsync(challenge, scope, authorization, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            response.Dispose();
        }

        return await ExecuteAsync(baseUri => Build(method, baseUri, path, answer, configure), allowPlainFallback: true, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Build(HttpMethod method, Uri baseUri, string path, AuthenticationHeaderValue? authorization, Action<HttpRequestMessage>? configure)
    {
        var request = new HttpRequestMessage(method, new Uri(baseUri, path));
        request.Headers.Authorization = authorization;
        configure?.Invoke(request);
        return request;
    }

    /// <summary>
    /// Sends one request through the pipeline up to its response headers; a request is built afresh for
    /// every attempt. Transport failures become UNAVAILABLE.
    /// </summary>
    private async Task<HttpResponseMessage> ExecuteAsync(Func<Uri, HttpRequestMessage> build, bool allowPlainFallback, CancellationToken cancellationToken)
    {
        while (true)
        {
            var baseUri = Volatile.Read(ref endpoint);
            try
            {
                return await pipeline.ExecuteAsync(
                    static async (state, token) =>
                    {
                        using var request = state.build(state.baseUri);
                        return await state.http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                    },
                    (build, baseUri, http),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (RemoteResilience.IsCertificateFailure(e) && allowPlainFallback && plainFallback is not null && baseUri.Scheme == Uri.UriSchemeHttps)
            {
                Interlocked.CompareExchange(ref endpoint, plainFallback, baseUri);
            }
            catch (HttpRequestException e) when (RemoteResilience.IsCertificateFailure(e))
            {
                throw new RegistryException(
                    ErrorCode.Unavailable,
                    $"TLS connection to registry {Registry} failed: its certificate is not trusted (add its CA to the CA directory) or it does not speak TLS",
                    new { registry = Registry, error = e.InnerException?.Message ?? e.Message });
            }
            catch (HttpRequestException e)
            {
                throw new RegistryException(ErrorCode.Unavailable, $"registry {Registry} cannot be reached: {e.Message}", new { registry = Registry });
            }
            catch (BrokenCircuitException)
            {
                throw new RegistryException(
                    ErrorCode.Unavailable,
                    $"registry {Registry} is failing: requests to it are suspended for a while (circuit open)",
                    new { registry = Registry, circuit = "open" });
            }
            catch (TimeoutRejectedException)
            {
                throw new RegistryException(ErrorCode.Unavailable, $"registry {Registry} did not answer in time", new { registry = Registry });
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RegistryException(ErrorCode.Unavailable, $"the request to registry {Registry} was abandoned", new { registry = Registry });
            }
        }
    }
}
