using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Edge.Authorization;
using EdgeRegistry.Edge.CloudFront;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;
using EdgeRegistry.Edge.PullThrough;
using EdgeRegistry.Edge.Upstream;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// GET and HEAD of <c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>: a cached blob is served from disk once the
/// origin agrees this client may read it (whole, on a connection's first request, with the kernel's
/// sendfile and <c>Connection: close</c>; otherwise read straight into Kestrel's response pipe); a blob
/// being filled is served from the growing file; otherwise a GET starts the fill (from the remotes of the repository's image
/// stream once the origin authorized the client, else from the origin with the client's credentials) and a HEAD is
/// forwarded. With <c>cloudFront</c> configured, a GET of a large blob that is neither cached nor being filled, of a
/// repository without remote images, is first offered to <see cref="CloudFrontRedirector"/>. Mirror-mode requests are
/// served the same way from the mirror's part of the cache, without the origin (and without the CDN).
/// Headers are those the origin gives for a blob.
/// </summary>
internal sealed partial class BlobEndpoint(
    BlobCache cache, CacheEvictor evictor, OriginAuthorizer authorizer, OriginForwarder forwarder, OriginClient origin, PullThroughSources sources,
    EdgeOptions options, EdgeMetrics metrics, ILogger<BlobEndpoint> logger, CloudFrontRedirector? cloudFront = null)
{
    private const int MaxAttempts = 3;
    private const int PipeChunkSize = 1024 * 1024;

    /// <summary>A request for the origin's repository: the origin authorizes every client; a HEAD miss is forwarded.</summary>
    public Task HandleAsync(HttpContext context, RegistryRoute route) => HandleAsync(context, route, mirror: null);

    /// <summary>
    /// A mirror-mode request for <paramref name="upstream"/>: served from the mirror's part of the cache without asking
    /// the origin; a miss, GET or HEAD, starts a fill from the upstream.
    /// </summary>
    public Task HandleMirrorAsync(HttpContext context, RegistryRoute route, RemoteRepository upstream) => HandleAsync(context, route, upstream);

    private async Task HandleAsync(HttpContext context, RegistryRoute route, RemoteRepository? mirror)
    {
        var token = context.RequestAborted;
        var digest = route.Digest!.Value;
        var isGet = HttpMethods.IsGet(context.Request.Method);
        var space = mirror is null ? CacheSpace.Origin : CacheSpace.Mirror;
        BlobSource? source = null;
        var remote = false;
        if (isGet && mirror is null && cloudFront is not null)
        {
            var local = cache.Lookup(digest, space, source: null);
            local.Lease?.Dispose();
            if (local is { Lease: null, Fill: null })
            {
                // The CDN serves the origin's storage, where the blobs of imported images may not be yet: those are pulled through.
                (source, remote) = await sources.ForOriginAsync(context.Request, route.Repository, token);
                if (!remote && await cloudFront.TryRedirectAsync(context, route, source, token))
                {
                    return;
                }
            }
        }

        var startedFill = false;
        var authorizedForRemote = false;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var lookup = cache.Lookup(digest, space, source: null);
            if (lookup is { Lease: null, Fill: null } && (isGet || mirror is not null))
            {
                if (source is null && mirror is not null)
                {
                    source = sources.ForMirror(mirror);
                }
                else if (source is null)
                {
                    (source, remote) = await sources.ForOriginAsync(context.Request, route.Repository, token);
                }

                if (remote && !authorizedForRemote)
                {
                    // A remote registry does not know this client: the origin says first whether it may read the blob.
                    var decision = await authorizer.AuthorizeAsync(context, route.Repository, route.Reference, token);
                    if (!decision.Allowed)
                    {
                        await OriginAuthorizer.WriteRefusalAsync(context, decision, ErrorCode.BlobUnknown, token);
                        return;
                    }

                    authorizedForRemote = true;
                }

                lookup = cache.Lookup(digest, space, source);
            }

            if (lookup.Lease is { } lease)
            {
                using (lease)
                {
                    if (mirror is null)
                    {
                        var decision = await authorizer.AuthorizeAsync(context, route.Repository, route.Reference, token);
                        if (!decision.Allowed)
                        {
                            await OriginAuthorizer.WriteRefusalAsync(context, decision, ErrorCode.BlobUnknown, token);
                            return;
                        }
                    }

                    (startedFill ? metrics.CacheMisses : metrics.CacheHits).WithLabels("blob").Inc();
                    await ServeFileAsync(context, digest, lease, token);
                }

                // Files being served were passed over by eviction; now this one may go.
                evictor.EvictIfNeeded();
                return;
            }

            if (lookup.Fill is not { } fill || (!isGet && mirror is null))
            {
                await forwarder.ForwardAsync(context);
                return;
            }

            if (!lookup.StartedHere && mirror is null)
            {
                var decision = await authorizer.AuthorizeAsync(context, route.Repository, route.Reference, token);
                if (!decision.Allowed)
                {
                    await OriginAuthorizer.WriteRefusalAsync(context, decision, ErrorCode.BlobUnknown, token);
                    return;
                }
            }

            var start = await fill.Started.WaitAsync(token);
            if (!start.Streaming)
            {
                if (!lookup.StartedHere && mirror is null)
                {
                    // The fill ran with another client's credentials; this client was authorized, so try its own.
                    continue;
                }

                await WriteStartFailureAsync(context, start, token);
                return;
            }

            if (lookup.StartedHere)
            {
                if (mirror is null)
                {
                    authorizer.RecordAllowed(context.Request, route.Repository, route.Reference);
                }

                startedFill = true;
            }

            if (!isGet)
            {
                // A mirror HEAD of a blob being filled: the upstream's length is known, the bytes need not be awaited.
                context.Response.StatusCode = StatusCodes.Status200OK;
                SetBlobHeaders(context.Response, digest, $"\"{digest}\"");
                context.Response.ContentLength = fill.Length;
                return;
            }

            using var reader = fill.OpenReader();
            if (reader is null)
            {
                // The fill ended between the lookup and now: the file is in the cache, or the fill failed and is retried.
                continue;
            }

            (startedFill ? metrics.CacheMisses : metrics.CacheHits).WithLabels("blob").Inc();

            await ServeGrowingAsync(context, digest, reader, token);
            reader.Dispose();
            evictor.EvictIfNeeded();
            return;
        }

        await OriginResponseRelay.WriteErrorAsync(
            context, ErrorCode.Unavailable, mirror is null ? "the blob could not be fetched from the origin" : $"the blob could not be fetched from {mirror.Registry}", token);
    }

    private static void SetBlobHeaders(HttpResponse response, Digest digest, string etag)
    {
        response.ContentType = "application/octet-stream";
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "max-age=31536000";
    }

    private async Task ServeFileAsync(HttpContext context, Digest digest, CacheLease lease, CancellationToken token)
    {
        var response = context.Response;
        var etag = $"\"{digest}\"";
        var range = ByteRange.Evaluate(context.Request, lease.Length, etag);
        response.StatusCode = range.Status;
        SetBlobHeaders(response, digest, etag);
        switch (range.Status)
        {
            case StatusCodes.Status304NotModified:
                return;
            case StatusCodes.Status416RangeNotSatisfiable:
                response.Headers.ContentRange = $"bytes */{lease.Length}";
                return;
            case StatusCodes.Status206PartialContent:
                response.Headers.ContentRange = $"bytes {range.Start}-{range.Start + range.Count - 1}/{lease.Length}";
                break;
        }

        response.ContentLength = range.Count;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        try
        {
            // With cache.sendfile, the whole file on a connection's first request: the kernel's sendfile, as nginx
            // would (Kestrel's SendFileAsync copies through a buffer and reached about 0.7x nginx).
            var firstRequest = ZeroCopySender.IsFirstRequestOnConnection(context);
            if (options.Cache.Sendfile && range.Status == StatusCodes.Status200OK && ZeroCopySender.CanSend(context, firstRequest))
            {
                // Counted first: the send ends only when the client closes, after it has read every byte.
                metrics.BytesFromCache.Inc(range.Count);
                await ZeroCopySender.TrySendAsync(context, firstRequest, lease.Path, lease.Length, token);
                return;
            }

            await FilePipeCopier.CopyAsync(response, lease.Path, range.Start, range.Count, token);
            metrics.BytesFromCache.Inc(range.Count);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Log.ClientGone(logger, digest.ToString());
        }
        catch (System.Net.Sockets.SocketException)
        {
            // sendfile on a socket the client reset; the connection is already aborted.
            Log.ClientGone(logger, digest.ToString());
        }
    }

    private async Task ServeGrowingAsync(HttpContext context, Digest digest, FillReader reader, CancellationToken token)
    {
        var fill = reader.Fill;
        var response = context.Response;
        var etag = $"\"{digest}\"";
        var start = 0L;
        var end = long.MaxValue;
        response.StatusCode = StatusCodes.Status200OK;
        SetBlobHeaders(response, digest, etag);
        if (fill.Length is { } length)
        {
            var range = ByteRange.Evaluate(context.Request, length, etag);
            response.StatusCode = range.Status;
            switch (range.Status)
            {
                case StatusCodes.Status304NotModified:
                    return;
                case StatusCodes.Status416RangeNotSatisfiable:
                    response.Headers.ContentRange = $"bytes */{length}";
                    return;
                case StatusCodes.Status206PartialContent:
                    response.Headers.ContentRange = $"bytes {range.Start}-{range.Start + range.Count - 1}/{length}";
                    break;
            }

            start = range.Start;
            end = range.Start + range.Count;
            response.ContentLength = range.Count;
        }

        try
        {
            // Headers go out at once so every client of the fill sees its response start.
            await response.StartAsync(token);
            var writer = response.BodyWriter;
            var position = start;
            while (position < end)
            {
                var readable = Math.Min(await fill.WaitForAsync(position, token), end);
                if (readable <= position)
                {
                    break;
                }

                while (position < readable)
                {
                    // Read from the file straight into Kestrel's pipe: one copy fewer than through a buffer of ours.
                    var memory = writer.GetMemory((int)Math.Min(PipeChunkSize, readable - position));
                    var read = await RandomAccess.ReadAsync(reader.Handle, memory[..(int)Math.Min(memory.Length, readable - position)], position, token);
                    if (read == 0)
                    {
                        throw new BlobFillFailedException("the fill file is shorter than announced");
                    }

                    writer.Advance(read);
                    position += read;
                    metrics.BytesFromCache.Inc(read);
                    var flushed = await writer.FlushAsync(token);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        // The client went away; Kestrel has aborted the response.
                        token.ThrowIfCancellationRequested();
                        return;
                    }
                }
            }
        }
        catch (BlobFillFailedException ex)
        {
            // The client must not take a truncated or wrong body for the blob: break the connection.
            Log.ServingAborted(logger, digest.ToString(), ex.Message);
            context.Abort();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Log.ClientGone(logger, digest.ToString());
        }
    }

    private async Task WriteStartFailureAsync(HttpContext context, FillStart start, CancellationToken token)
    {
        if (start == FillStart.Unreachable)
        {
            await OriginResponseRelay.WriteErrorAsync(context, ErrorCode.Unavailable, "the origin registry cannot be reached", token);
            return;
        }

        // The origin's own answer to this client's credentials (401 with its challenge, 403, 404), unchanged.
        context.Response.StatusCode = (int)start.Status;
        foreach (var (name, values) in start.Headers)
        {
            context.Response.Headers[name] = values;
        }

        if (context.Response.Headers.Location.ToString() is { Length: > 0 } location &&
            LocationRewritingTransformer.Rewrite(origin.Origin, context.Request, location) is { } rewritten)
        {
            context.Response.Headers.Location = rewritten;
        }

        context.Response.ContentLength = start.Body.Length;
        await context.Response.Body.WriteAsync(start.Body, token);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4330, Level = LogLevel.Debug, Message = "Client went away while being served {Digest}")]
        public static partial void ClientGone(ILogger logger, string digest);

        [LoggerMessage(EventId = 4331, Level = LogLevel.Warning, Message = "Response for {Digest} aborted: {Reason}")]
        public static partial void ServingAborted(ILogger logger, string digest, string reason);
    }
}
