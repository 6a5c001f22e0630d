using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Manifests;
using EdgeRegistry.Edge.Observability;
using EdgeRegistry.Edge.Upstream;
using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.Mirror;

/// <summary>
/// Mirror mode: <c>/v2</c> reads of an upstream registry, never sent to the origin and not authorized by it (the edge
/// serves what the upstream serves anonymously or with the edge's own credentials). The registry must be on the
/// upstream allowlist (else 403 DENIED naming it); Docker Hub's single names are read under <c>library/</c>.
/// <list type="bullet">
/// <item>A tag is resolved upstream with a HEAD (Docker Hub does not count it against the pull rate limit); the answer
/// is kept, and served (with <c>Warning: 110</c>) when the upstream is unavailable or rate limiting, for up to
/// <c>manifests.staleIfError</c>.</item>
/// <item>Manifests by digest and blobs are cached (the mirror's part of the cache), fetched once however many clients ask.</item>
/// <item><c>/v2/</c> answers 200; any other request is 405 UNSUPPORTED.</item>
/// </list>
/// </summary>
internal sealed partial class MirrorEndpoint(
    BlobEndpoint blobs, ManifestCache manifests, TagAnswerStore tags, RemoteRegistryClientFactory remotes, UpstreamMetrics upstreamMetrics,
    EdgeMetrics metrics, EdgeOptions options, TimeProvider time, ILogger<MirrorEndpoint> logger)
{
    /// <summary>Answers <c>/v2/</c> for a mirror-mode client: no login is needed here.</summary>
    public static async Task WriteRootAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        context.Response.ContentType = "application/json";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.WriteAsync("{}", context.RequestAborted);
        }
    }

    /// <summary>Serves <paramref name="context"/>'s request from <paramref name="registry"/> (normalized).</summary>
    public async Task HandleAsync(HttpContext context, string registry)
    {
        var token = context.RequestAborted;
        var method = context.Request.Method;
        var route = RegistryRoute.Parse(context.Request.Path);
        if (context.Request.Path.Value is "/v2/" or "/v2" && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
        {
            await WriteRootAsync(context);
            return;
        }

        if (!(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) || route.Kind is not (RegistryRouteKind.Blob or RegistryRouteKind.Manifest))
        {
            await OriginResponseRelay.WriteErrorAsync(context, ErrorCode.Unsupported, $"mirror mode serves pulls of manifests and blobs of {registry} only", token);
            return;
        }

        RemoteRegistryClient client;
        try
        {
            client = remotes.GetClient(registry);
        }
        catch (RegistryException ex)
        {
            Log.Refused(logger, registry, ex.Message);
            await UpstreamFailure.WriteAsync(context, ex, token);
            return;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException)
        {
            await UpstreamFailure.WriteAsync(context, new RegistryException(ErrorCode.Denied, $"registry {registry} cannot be used: {ex.Message}", new { registry }), token);
            return;
        }

        var repository = DockerHubNames.IsDockerHub(client.Registry) ? DockerHubNames.Normalize(route.Repository) : route.Repository;
        var upstream = new RemoteRepository(client.Registry, repository, client.IsInsecure);
        if (route.Kind == RegistryRouteKind.Blob)
        {
            await blobs.HandleMirrorAsync(context, route, upstream);
            return;
        }

        try
        {
            await HandleManifestAsync(context, client, upstream, route, token);
        }
        catch (RegistryException ex)
        {
            await UpstreamFailure.WriteAsync(context, ex, token);
        }
    }

    private async Task HandleManifestAsync(HttpContext context, RemoteRegistryClient client, RemoteRepository upstream, RegistryRoute route, CancellationToken token)
    {
        var accept = Accept(context.Request);
        var isHead = HttpMethods.IsHead(context.Request.Method);
        Digest digest;
        if (route.Digest is { } asked)
        {
            digest = asked;
        }
        else
        {
            RemoteManifestInfo info;
            try
            {
                info = await client.HeadManifestAsync(upstream.Repository, new Reference(route.Reference, null), accept, token);
                upstreamMetrics.Requests.WithLabels(upstream.Registry, "tag", "ok").Inc();
            }
            catch (RegistryException ex)
            {
                upstreamMetrics.Requests.WithLabels(upstream.Registry, "tag", UpstreamFailure.Label(ex)).Inc();
                if ((ex.Error == ErrorCode.Unavailable || ex.Error == ErrorCode.TooManyRequests) && await TryServeStaleAsync(context, upstream, route.Reference, ex, token))
                {
                    return;
                }

                throw;
            }

            await tags.SaveAsync(new TagAnswer(TagKey(upstream), route.Reference, info.Digest.ToString(), info.MediaType, info.Size, time.GetUtcNow()), token);
            if (isHead)
            {
                await WriteManifestAsync(context, info.Digest, info.MediaType, info.Size, null, token);
                return;
            }

            digest = info.Digest;
        }

        if (await manifests.TryGetAsync(digest, CacheSpace.Mirror, token) is { } cached)
        {
            metrics.CacheHits.WithLabels("manifest").Inc();
            await WriteManifestAsync(context, cached.Digest, cached.MediaType, cached.Payload.Length, cached.Payload, token);
            return;
        }

        metrics.CacheMisses.WithLabels("manifest").Inc();
        RemoteManifest manifest;
        try
        {
            manifest = await client.GetManifestAsync(upstream.Repository, new Reference(null, digest), accept, token);
            upstreamMetrics.Requests.WithLabels(upstream.Registry, "manifest", "ok").Inc();
        }
        catch (RegistryException ex)
        {
            upstreamMetrics.Requests.WithLabels(upstream.Registry, "manifest", UpstreamFailure.Label(ex)).Inc();
            throw;
        }

        upstreamMetrics.FetchedBytes.WithLabels(upstream.Registry).Inc(manifest.Payload.Length);
        if (manifest.Payload.Length <= options.Manifests.MaxSize)
        {
            // The client's request does not own the store: a client gone mid-way must not leave a half-written entry.
            await manifests.StoreAsync(digest, manifest.MediaType, manifest.Payload, CacheSpace.Mirror, CancellationToken.None);
        }

        await WriteManifestAsync(context, digest, manifest.MediaType, manifest.Payload.Length, manifest.Payload.ToArray(), token);
    }

    private async Task<bool> TryServeStaleAsync(HttpContext context, RemoteRepository upstream, string tag, RegistryException failure, CancellationToken token)
    {
        var answer = tags.Find(TagKey(upstream), tag);
        if (answer is null || time.GetUtcNow() - answer.AnsweredAt > options.Manifests.StaleIfError || !Digest.TryParse(answer.Digest, out var digest))
        {
            return false;
        }

        var isHead = HttpMethods.IsHead(context.Request.Method);
        var cached = await manifests.TryGetAsync(digest, CacheSpace.Mirror, token);
        if (cached is null && !isHead)
        {
            return false;
        }

        metrics.StaleTagAnswers.Inc();
        Log.ServedStale(logger, upstream.ToString(), tag, answer.Digest, answer.AnsweredAt, failure.Message);
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

    /// <summary>The media types of the client's Accept headers, without parameters; null when it sent none.</summary>
    private static List<string>? Accept(HttpRequest request)
    {
        var types = request.Headers.Accept
            .SelectMany(value => (value ?? "").Split(','))
            .Select(part => part.Split(';')[0].Trim())
            .Where(type => type.Length > 0 && type != "*/*")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return types.Count == 0 ? null : types;
    }

    // Not a valid repository name, so the mirror's tags never meet the origin's in the store.
    private static string TagKey(RemoteRepository upstream) => $"mirror:{upstream}";

    private static partial class Log
    {
        [LoggerMessage(EventId = 4620, Level = LogLevel.Information, Message = "Mirror request for {Registry} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string registry, string reason);

        [LoggerMessage(EventId = 4621, Level = LogLevel.Warning, Message = "Served the last answer for {Repository}:{Tag} ({Digest}, from {AnsweredAt}) because the upstream failed: {Reason}")]
        public static partial void ServedStale(ILogger logger, string repository, string tag, string digest, DateTimeOffset answeredAt, string reason);
    }
}
