using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Edge.Authorization;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;
using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.Manifests;

/// <summary>
/// GET and HEAD of <c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>. By digest: served from the cache
/// once the origin agrees this client may read it, else fetched, verified and cached. By tag: always
/// asked of the origin; when the origin cannot be reached (or answers 5xx), the last answer for the tag
/// is served if it is younger than <see cref="ManifestOptions.StaleIfError"/> and this client's
/// authorization for it is still inside its TTL.
/// </summary>
internal sealed partial class ManifestEndpoint(
    ManifestCache manifests, TagAnswerStore tags, OriginAuthorizer authorizer, OriginClient origin, EdgeOptions options,
    TimeProvider time, EdgeMetrics metrics, ILogger<ManifestEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, RegistryRoute route)
    {
        var token = context.RequestAborted;
        if (route.Digest is { } digest && await manifests.TryGetAsync(digest, token) is { } cached)
        {
            var decision = await authorizer.AuthorizeAsync(context, route.Repository, route.Reference, token);
            if (!decision.Allowed)
            {
                await OriginAuthorizer.WriteRefusalAsync(context, decision, ErrorCode.ManifestUnknown, token);
                return;
            }

            metrics.CacheHits.WithLabels("manifest").Inc();
            await WriteManifestAsync(context, cached.Digest, cached.MediaType, cached.Payload.Length, cached.Payload, token);
            return;
        }

        if (route.Digest is not null)
        {
            metrics.CacheMisses.WithLabels("manifest").Inc();
        }

        await FetchAsync(context, route, token);
    }

    private async Task FetchAsync(HttpContext context, RegistryRoute route, CancellationToken token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), origin.Url(context.Request.Path + context.Request.QueryString));
        foreach (var name in new[] { HeaderNames.Authorization, HeaderNames.Accept, HeaderNames.IfNoneMatch, HeaderNames.UserAgent })
        {
            if (context.Request.Headers[name].ToString() is { Length: > 0 } value)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await origin.Direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        }
        catch (Exception ex) when (OriginClient.IsUnavailable(ex, token))
        {
            Log.OriginUnavailable(logger, route.Repository, route.Reference, ex.GetType().Name);
            if (route.Digest is null && await TryServeStaleAsync(context, route, token))
            {
                return;
            }

            await OriginResponseRelay.WriteErrorAsync(context, ErrorCode.Unavailable, "the origin registry cannot be reached", token);
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500 && route.Digest is null && await TryServeStaleAsync(context, route, token))
            {
                return;
            }

            var length = response.Content.Headers.ContentLength;
            if (status != StatusCodes.Status200OK || length is null || length > options.Manifests.MaxSize)
            {
                await OriginResponseRelay.CopyAsync(response, context, origin.Origin, token);
                return;
            }

            var mediaType = response.Content.Headers.ContentType?.ToString() ?? "";
            if (HttpMethods.IsHead(context.Request.Method))
            {
                if (route.Digest is null &&
                    Digest.TryParse(response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null, out var headDigest))
                {
                    authorizer.RecordAllowed(context.Request, route.Repository, headDigest.ToString());
                    await tags.SaveAsync(new TagAnswer(route.Repository, route.Reference, headDigest.ToString(), mediaType, length.Value, time.GetUtcNow()), token);
                }

                OriginResponseRelay.CopyHead(response, context, origin.Origin);
                return;
            }

            var payload = await response.Content.ReadAsByteArrayAsync(token);
            var algorithm = route.Digest?.Algorithm ?? Digest.Sha256;
            var digest = DigestHasher.Compute(payload, algorithm);
            if (route.Digest is { } expected && digest != expected)
            {
                Log.WrongManifest(logger, route.Repository, expected.ToString(), digest.ToString());
                await OriginResponseRelay.WriteErrorAsync(context, ErrorCode.Unavailable, "the origin sent a manifest that does not match its digest", token);
                return;
            }

            await manifests.StoreAsync(digest, mediaType, payload, token);
            authorizer.RecordAllowed(context.Request, route.Repository, digest.ToString());
            if (route.Digest is null)
            {
                await tags.SaveAsync(new TagAnswer(route.Repository, route.Reference, digest.ToString(), mediaType, payload.Length, time.GetUtcNow()), token);
            }

            OriginResponseRelay.CopyHead(response, context, origin.Origin);
            await context.Response.Body.WriteAsync(payload, token);
        }
    }

    private async Task<bool> TryServeStaleAsync(HttpContext context, RegistryRoute route, CancellationToken token)
    {
        var answer = tags.Find(route.Repository, route.Reference);
        if (answer is null || time.GetUtcNow() - answer.AnsweredAt > options.Manifests.StaleIfError ||
            !Digest.TryParse(answer.Digest, out var digest) ||
            !authorizer.IsAllowedWithoutOrigin(context.Request, route.Repository, answer.Digest))
        {
            return false;
        }

        var isHead = HttpMethods.IsHead(context.Request.Method);
        var cached = await manifests.TryGetAsync(digest, token);
        if (cached is null && !isHead)
        {
            return false;
        }

        metrics.StaleTagAnswers.Inc();
        Log.ServedStale(logger, route.Repository, route.Reference, answer.Digest, answer.AnsweredAt);
        context.Response.Headers[HeaderNames.Warning] = "110 - \"Response is Stale\"";
        await WriteManifestAsync(context, digest, cached?.MediaType ?? answer.MediaType, cached?.Payload.Length ?? answer.Size, cached?.Payload, token);
        return true;
    }

    private static async Task WriteManifestAsync(HttpContext context, Digest digest, string mediaType, long length, byte[]? payload, CancellationToken token)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = mediaType;
        response.ContentLength = length;
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        response.Headers.ETag = $"\"{digest}\"";
        if (!HttpMethods.IsHead(context.Request.Method) && payload is not null)
        {
            await response.Body.WriteAsync(payload, token);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4410, Level = LogLevel.Warning, Message = "Origin unavailable for manifest {Repository}:{Reference}: {Reason}")]
        public static partial void OriginUnavailable(ILogger logger, string repository, string reference, string reason);

        [LoggerMessage(EventId = 4411, Level = LogLevel.Warning, Message = "Served the last answer for {Repository}:{Tag} ({Digest}, from {AnsweredAt}) because the origin is unavailable")]
        public static partial void ServedStale(ILogger logger, string repository, string tag, string digest, DateTimeOffset answeredAt);

        [LoggerMessage(EventId = 4412, Level = LogLevel.Error, Message = "Origin sent a manifest for {Repository}@{Expected} that hashes to {Actual}; not cached")]
        public static partial void WrongManifest(ILogger logger, string repository, string expected, string actual);
    }
}
