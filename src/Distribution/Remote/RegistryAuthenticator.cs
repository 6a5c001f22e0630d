using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// Answers a registry's authentication challenges (the docker token spec): a <c>Basic</c> challenge with
/// the configured credentials, a <c>Bearer</c> challenge with a token fetched from its realm for
/// <c>scope=repository:&lt;name&gt;:pull</c> (anonymously, or with the credentials as Basic auth to the token
/// endpoint). Once a registry has challenged, later requests carry the answer up front, so each
/// repository costs one token fetch per token lifetime rather than one 401 per request.
/// </summary>
internal sealed class RegistryAuthenticator
{
    private const int MaxTokenResponseBytes = 1024 * 1024;

    private readonly string registry;
    private readonly RegistryCredential? credential;
    private readonly TokenCache cache;
    private readonly TimeSpan defaultLifetime;
    private readonly bool allowPlainHttpRealm;
    private readonly Func<Func<HttpRequestMessage>, CancellationToken, Task<HttpResponseMessage>> send;

    // Striped locks so that concurrent requests for one scope fetch one token, without one slow token
    // server call holding up every other scope.
    private readonly SemaphoreSlim[] fetchLocks = Enumerable.Range(0, 16).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private AuthChallenge? known;

    /// <param name="send">Sends a token request through the upstream's resilience pipeline; failures arrive as <see cref="RegistryException"/>.</param>
    public RegistryAuthenticator(
        string registry,
        RegistryCredential? credential,
        TokenCache cache,
        TimeSpan defaultLifetime,
        bool allowPlainHttpRealm,
        Func<Func<HttpRequestMessage>, CancellationToken, Task<HttpResponseMessage>> send)
    {
        this.registry = registry;
        this.credential = credential;
        this.cache = cache;
        this.defaultLifetime = defaultLifetime;
        this.allowPlainHttpRealm = allowPlainHttpRealm;
        this.send = send;
    }

    public static string PullScope(string repository) => $"repository:{repository}:pull";

    /// <summary>
    /// The Authorization to send with a request for <paramref name="scope"/> before any challenge for it:
    /// null until the registry has challenged once (or when it asks for Basic and there are no credentials).
    /// </summary>
    public async ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(string scope, CancellationToken cancellationToken)
    {
        var challenge = Volatile.Read(ref known);
        if (challenge is null)
        {
            return null;
        }

        if (challenge.IsBasic)
        {
            return credential is null ? null : Basic(credential);
        }

        return await GetTokenAsync(challenge, scope, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The Authorization that answers <paramref name="challenge"/> for <paramref name="scope"/>, after the
    /// registry refused <paramref name="rejected"/> (null when the request carried none). Throws
    /// <see cref="RegistryException"/>: UNAUTHORIZED when there are no credentials for a Basic challenge or
    /// they were refused, or the token server refuses; DENIED when the token server forbids;
    /// UNAVAILABLE when it cannot be reached.
    /// </summary>
    public async Task<AuthenticationHeaderValue> AuthorizeAsync(
        AuthChallenge challenge,
        string scope,
        AuthenticationHeaderValue? rejected,
        CancellationToken cancellationToken)
    {
        Volatile.Write(ref known, challenge);
        if (challenge.IsBasic)
        {
            if (credential is null)
            {
                throw Unauthorized($"registry {registry} requires credentials and none are configured for it");
            }

            if (rejected is not null && rejected.Scheme == AuthChallenge.BasicScheme)
            {
                throw Unauthorized($"registry {registry} refused the configured credentials");
            }

            return Basic(credential);
        }

        var rejectedToken = rejected is not null && rejected.Scheme == AuthChallenge.BearerScheme ? rejected.Parameter : null;
        return await GetTokenAsync(challenge, scope, rejectedToken, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthenticationHeaderValue> GetTokenAsync(AuthChallenge challenge, string scope, string? rejectedToken, CancellationToken cancellationToken)
    {
        var realm = ValidateRealm(challenge.Realm);
        var key = TokenCache.Key(realm.AbsoluteUri, challenge.Service, scope);
        if (rejectedToken is not null)
        {
            cache.Invalidate(key, rejectedToken);
        }

        if (cache.TryGet(key, out var token))
        {
            return Bearer(token);
        }

        var gate = fetchLocks[(StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % fetchLocks.Length];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (cache.TryGet(key, out token))
            {
                return Bearer(token);
            }

            var (fetched, lifetime) = await FetchTokenAsync(realm, challenge.Service, scope, cancellationToken).ConfigureAwait(false);
            cache.Set(key, fetched, lifetime);
            return Bearer(fetched);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchTokenAsync(Uri realm, string? service, string scope, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : string.Empty);
        if (!string.IsNullOrEmpty(service))
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var uri = new UriBuilder(realm) { Query = query.ToString() }.Uri;

        using var response = await send(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (credential is not null)
                {
                    request.Headers.Authorization = Basic(credential);
                }

                return request;
            },
            cancellationToken).ConfigureAwait(false);

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw Unauthorized(credential is null
                ? $"the token server of registry {registry} requires credentials and none are configured for it"
                : $"the token server of registry {registry} refused the configured credentials");
        }

        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new RegistryException(ErrorCode.Denied, $"the token server of registry {registry} denied {scope}", new { registry, scope });
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await UpstreamErrors.FromResponseAsync(response, registry, ErrorCode.Unauthorized, $"token for {scope}", cancellationToken).ConfigureAwait(false);
        }

        byte[] body;
        try
        {
            body = await UpstreamErrors.ReadBoundedAsync(response.Content, MaxTokenResponseBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new RegistryException(ErrorCode.Unavailable, $"reading the token response of registry {registry} failed: {e.Message}", new { registry });
        }

        return ParseTokenResponse(body);
    }

    private (string Token, TimeSpan Lifetime) ParseTokenResponse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            string? token = null;
            // The docker token spec names it "token"; OAuth2 servers answer "access_token"; some send both.
            foreach (var name in (ReadOnlySpan<string>)["token", "access_token"])
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
                {
                    token = text;
                    break;
                }
            }

            if (token is null)
            {
                throw Unauthorized($"the token server of registry {registry} answered without a token");
            }

            var lifetime = defaultLifetime;
            if (root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number
                && expires.TryGetInt64(out var seconds) && seconds > 0)
            {
                lifetime = TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.FromDays(1).TotalSeconds));
            }

            return (token, lifetime);
        }
        catch (JsonException)
        {
            throw Unauthorized($"the token server of registry {registry} answered with a body that is not JSON");
        }
        catch (InvalidOperationException)
        {
            throw Unauthorized($"the token server of registry {registry} answered with a body that is not a JSON object");
        }
    }

    private Uri ValidateRealm(string? realm)
    {
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Unauthorized($"registry {registry} named a token realm that is not an http(s) URL");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !allowPlainHttpRealm)
        {
            // Credentials and tokens of a registry that must use TLS never travel in the clear.
            throw Unauthorized($"registry {registry} named a plain http token realm ({uri.Authority}); only insecure registries may");
        }

        return uri;
    }

    private RegistryException Unauthorized(string message) => new(ErrorCode.Unauthorized, message, new { registry });

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new(AuthChallenge.BasicScheme, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private static AuthenticationHeaderValue Bearer(string token) => new(AuthChallenge.BearerScheme, token);
}
