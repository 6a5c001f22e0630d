using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;
using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.Authorization;

/// <summary>
/// Decides whether cached content may be served to a client by asking the origin the same question
/// with the client's own credentials: a HEAD of the same path with its Authorization header. Answers
/// are cached per (hash of the Authorization header, repository, reference) for
/// <see cref="AuthorizationOptions.Ttl"/>; concurrent identical questions share one HEAD. When the
/// origin cannot be asked, only answers still inside their TTL count.
/// </summary>
internal sealed partial class OriginAuthorizer(
    OriginClient origin, EdgeOptions options, TimeProvider time, EdgeMetrics metrics, ILogger<OriginAuthorizer> logger)
{
    private const int SweepThreshold = 10_000;

    private static readonly string[] PassedHeaders = [HeaderNames.WWWAuthenticate, "Docker-Distribution-API-Version", HeaderNames.ContentType];

    private readonly ConcurrentDictionary<Key, Entry> answers = new();
    private readonly ConcurrentDictionary<Key, Lazy<Task<AuthorizationDecision>>> inFlight = new();
    private readonly TimeSpan ttl = options.Authorization.Ttl;

    /// <summary>
    /// The decision for <paramref name="repository"/> and <paramref name="reference"/> (a digest) for the client of
    /// <paramref name="context"/>; asks the origin with a HEAD of the request's path when no answer is cached.
    /// </summary>
    public async Task<AuthorizationDecision> AuthorizeAsync(HttpContext context, string repository, string reference, CancellationToken cancellationToken)
    {
        var key = new Key(CredentialHash(context.Request), repository, reference);
        var now = time.GetUtcNow();
        if (answers.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            metrics.AuthorizationChecks.WithLabels("cached").Inc();
            return cached.Decision;
        }

        var path = context.Request.Path.Value!;
        var authorization = context.Request.Headers.Authorization.ToString();
        var accept = context.Request.Headers.Accept.ToString();
        var lazy = inFlight.GetOrAdd(key, k => new Lazy<Task<AuthorizationDecision>>(() => AskOriginAsync(k, path, authorization, accept)));
        var task = lazy.Value;
        if (!task.IsCompleted)
        {
            _ = task.ContinueWith(
                (_, state) => inFlight.TryRemove(new KeyValuePair<Key, Lazy<Task<AuthorizationDecision>>>(key, (Lazy<Task<AuthorizationDecision>>)state!)),
                lazy, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        else
        {
            inFlight.TryRemove(new KeyValuePair<Key, Lazy<Task<AuthorizationDecision>>>(key, lazy));
        }

        // The HEAD is shared by every client asking the same question, so it runs without any one client's token.
        return await task.WaitAsync(cancellationToken);
    }

    /// <summary>Records that the origin just served <paramref name="reference"/> of <paramref name="repository"/> to this client (a GET it answered 200).</summary>
    public void RecordAllowed(HttpRequest request, string repository, string reference) =>
        Store(new Key(CredentialHash(request), repository, reference), AuthorizationDecision.Allow);

    /// <summary>Whether an allow for this client is cached and inside its TTL (used when the origin is down).</summary>
    public bool IsAllowedWithoutOrigin(HttpRequest request, string repository, string reference) =>
        answers.TryGetValue(new Key(CredentialHash(request), repository, reference), out var entry) &&
        entry.Expires > time.GetUtcNow() && entry.Decision.Allowed;

    /// <summary>Writes a refusal: the origin's status and challenge, with the OCI error body for GET.</summary>
    public static async Task WriteRefusalAsync(HttpContext context, AuthorizationDecision decision, ErrorCode notFound, CancellationToken cancellationToken)
    {
        if (decision == AuthorizationDecision.Unavailable)
        {
            await OriginResponseRelay.WriteErrorAsync(context, ErrorCode.Unavailable, "the origin registry cannot be reached to authorize this request", cancellationToken);
            return;
        }

        var response = context.Response;
        response.StatusCode = (int)decision.Status;
        foreach (var (name, values) in decision.Headers)
        {
            response.Headers[name] = values;
        }

        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        // A HEAD answer has no body; GET clients get the error the origin would have sent.
        var code = decision.Status switch
        {
            HttpStatusCode.Unauthorized => ErrorCode.Unauthorized,
            HttpStatusCode.Forbidden => ErrorCode.Denied,
            HttpStatusCode.NotFound => notFound,
            HttpStatusCode.TooManyRequests => ErrorCode.TooManyRequests,
            _ => ErrorCode.Unknown,
        };
        response.ContentType = "application/json";
        response.Headers.ContentLength = null;
        await response.Body.WriteAsync(ErrorBody.Serialize(code.Code, code.Message), cancellationToken);
    }

    private async Task<AuthorizationDecision> AskOriginAsync(Key key, string path, string authorization, string accept)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, origin.Url(path));
            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
            }

            if (accept.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(HeaderNames.Accept, accept);
            }

            using var response = await origin.Direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                return Unavailable(key, $"status {status}");
            }

            // A blob's size comes with the answer: the CloudFront redirect decides by it without another request.
            var decision = status < 400
                ? AuthorizationDecision.Allow with { Length = status == 200 ? response.Content.Headers.ContentLength : null }
                : new AuthorizationDecision(false, response.StatusCode, PassedHeaders
                    .Select(name => KeyValuePair.Create(name, response.Headers.TryGetValues(name, out var v) || response.Content.Headers.TryGetValues(name, out v) ? v.ToArray() : []))
                    .Where(h => h.Value.Length > 0)
                    .ToArray());
            metrics.AuthorizationChecks.WithLabels(decision.Allowed ? "allowed" : "denied").Inc();
            Log.Checked(logger, key.Repository, key.Reference, status);
            if (decision.Cacheable)
            {
                Store(key, decision);
            }

            return decision;
        }
        catch (Exception ex) when (OriginClient.IsUnavailable(ex, CancellationToken.None))
        {
            return Unavailable(key, ex.GetType().Name);
        }
    }

    private AuthorizationDecision Unavailable(Key key, string reason)
    {
        metrics.AuthorizationChecks.WithLabels("unavailable").Inc();
        Log.OriginUnavailable(logger, key.Repository, key.Reference, reason);

        // An answer that was cached may have been stored by a concurrent GET while we asked.
        return answers.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow() ? entry.Decision : AuthorizationDecision.Unavailable;
    }

    private void Store(Key key, AuthorizationDecision decision)
    {
        var now = time.GetUtcNow();
        answers[key] = new Entry(decision, now + ttl);
        if (answers.Count > SweepThreshold)
        {
            foreach (var (k, e) in answers)
            {
                if (e.Expires <= now)
                {
                    answers.TryRemove(k, out _);
                }
            }
        }
    }

    private static string CredentialHash(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString();
        return value.Length == 0 ? "" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    private readonly record struct Key(string Credential, string Repository, string Reference);

    private sealed record Entry(AuthorizationDecision Decision, DateTimeOffset Expires);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "Origin answered {Status} to the authorization check of {Repository}@{Reference}")]
        public static partial void Checked(ILogger logger, string repository, string reference, int status);

        [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Origin unavailable for the authorization check of {Repository}@{Reference}: {Reason}")]
        public static partial void OriginUnavailable(ILogger logger, string repository, string reference, string reason);
    }
}
