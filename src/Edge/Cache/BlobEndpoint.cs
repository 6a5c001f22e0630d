using System.Buffers;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Edge.Authorization;
using EdgeRegistry.Edge.CloudFront;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// GET and HEAD of <c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>: a cached blob is served from disk once the
/// origin agrees this client may read it (whole, on a connection's first request, with the kernel's
/// sendfile and <c>Connection: close</c>; otherwise read straight into Kestrel's response pipe); a blob
/// being filled is served from the growing file; otherwise a GET starts the fill with the client's credentials and a HEAD is
/// forwarded. Headers are those the origin gives for a blob. With <c>cloudFront</c> configured, a GET of a large
/// blob that is neither cached nor being filled is first offered to <see cref="CloudFrontRedirector"/>.
/// </summary>
internal sealed partial class BlobEndpoint(
    BlobCache cache, CacheEvictor evictor, OriginAuthorizer authorizer, OriginForwarder forwarder, OriginClient origin, EdgeMetrics metrics, ILogger<BlobEndpoint> logger,
    CloudFrontRedirector? cloudFront = null)
{
    private const int MaxAttempts = 3;
    private const int CopyBufferSize = 128 * 1024;

    public async Task HandleAsync(HttpContext context, RegistryRoute route)
    {
        var token = context.RequestAborted;
        var digest = route.Digest!.Value;
        var isGet = HttpMethods.IsGet(context.Request.Method);
        // With cloudFront configured, a large blob that is not on this node may go to the CDN instead.
        if (isGet && cloudFront is not null && await cloudFront.TryRedirectAsync(context, route, token))
        {
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        var startedFill = false;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var lookup = cache.Lookup(digest, startFill: isGet, route.Repository, authorization);
            if (lookup.Lease is { } lease)
            {
                using (lease)
                {
                    var decision = await authorizer.AuthorizeAsync(context, route.Repository, route.Reference, token);
                    if (!decision.Allowed)
                    {
                        await OriginAuthorizer.WriteRefusalAsync(context, decision, ErrorCode.BlobUnknown, token);
                        return;
                    }

                    (startedFill ? metrics.CacheMisses : metrics.CacheHits).WithLabels("blob").Inc();
                    await ServeFileAsync(context, digest, lease, token);
                }

                // Files being served were passed over by eviction; now this one may go.
                evictor.EvictIfNeeded();
                return;
            }

            if (lookup.Fill is not { } fill || !isGet)
            {
                await forwarder.ForwardAsync(context);
                return;
            }

            if (!lookup.StartedHere)
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
                if (!lookup.StartedHere)
                {
                    // The fill ran with another client's credentials; this client was authorized, so try its own.
                    continue;
                }

                await WriteStartFailureAsync(context, start, token);
                return;
            }

            if (lookup.StartedHere)
            {
                authorizer.RecordAllowed(context.Request, route.Repository, route.Reference);
                startedFill = true;
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

        await OriginResponseRelay.WriteErrorAsync(context, ErrorCode.Unavailable, "the blob could not be fetched from the origin", token);
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
            // The whole file on a connection's first request: the kernel's sendfile, as nginx would. Kestrel
            // has no zero-copy path (its SendFileAsync copies through a buffer and reached about 0.7x nginx).
            var firstRequest = ZeroCopySender.IsFirstRequestOnConnection(context);
            if (range.Status == StatusCodes.Status200OK && ZeroCopySender.CanSend(context, firstRequest))
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

        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            // Headers go out at once so every client of the fill sees its response start.
            await response.StartAsync(token);
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
                    var read = await RandomAccess.ReadAsync(reader.Handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, readable - position)), position, token);
                    if (read == 0)
                    {
                        throw new BlobFillFailedException("the fill file is shorter than announced");
                    }

                    await response.Body.WriteAsync(buffer.AsMemory(0, read), token);
                    position += read;
                    metrics.BytesFromCache.Inc(read);
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
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
