using System.Buffers;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Origin.Api;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Storage;
using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Origin.Blobs;

/// <summary>
/// Answers a blob GET or HEAD: the request is reduced to one precondition state and one switch picks
/// 200, 206, 304 or 416. The body comes from the file when the driver is local (read into Kestrel's response
/// pipe, or with sendfile when <see cref="RegistryApiOptions.SendfileEnabled"/>), else from the driver's reader
/// through one pooled buffer.
/// </summary>
internal sealed class BlobSender(IStorageDriver storage, RegistryApiOptions options)
{
    private const int BufferSize = 256 * 1024;

    /// <summary>Sends the blob's bytes (or headers only for HEAD). Throws BLOB_UNKNOWN when the bytes are gone from storage.</summary>
    public Task SendAsync(HttpContext context, Digest digest, long size, CancellationToken cancellationToken) =>
        SendAsync(context, digest, size, openBody: null, cancellationToken);

    /// <summary>
    /// Answers as <see cref="SendAsync(HttpContext, Digest, long, CancellationToken)"/> does (same headers, ranges and
    /// preconditions), but the body, when there is one, comes from <paramref name="openBody"/>: called once with the
    /// offset of the first byte to send, it returns a stream of the blob from there (pull-through serves a blob that is
    /// still arriving this way). The stream is read for exactly the range's length and not disposed here.
    /// </summary>
    public async Task SendAsync(HttpContext context, Digest digest, long size, Func<long, CancellationToken, ValueTask<Stream>>? openBody, CancellationToken cancellationToken)
    {
        var firstRequest = ZeroCopySender.IsFirstRequestOnConnection(context);
        var response = context.Response;
        var etag = $"\"{digest}\"";
        response.Headers[Api.RegistryHeaders.ContentDigest] = digest.ToString();
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "max-age=31536000";
        response.ContentType = "application/octet-stream";

        if (IfNoneMatches(context.Request, etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var rangeHeader = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? context.Request.Headers.Range.ToString()
            : null;
        var outcome = ByteRange.Parse(rangeHeader, size, out var range);
        switch (outcome)
        {
            case RangeOutcome.Unsatisfiable:
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{size}";
                response.ContentLength = 0;
                return;
            case RangeOutcome.Partial:
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {range.Start}-{range.End}/{size}";
                break;
            default:
                response.StatusCode = StatusCodes.Status200OK;
                break;
        }

        response.ContentLength = range.Length;
        RegistryMetrics.BytesSent.Inc(HttpMethods.IsHead(context.Request.Method) ? 0 : range.Length);
        var path = StoragePaths.BlobData(digest);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        if (openBody is not null)
        {
            var body = await openBody(range.Start, cancellationToken);
            await CopyAsync(body, response.Body, range.Length, cancellationToken);
            return;
        }

        if (storage is ILocalFileStorage local)
        {
            var file = local.GetLocalPath(path);
            if (!File.Exists(file))
            {
                throw new RegistryException(ErrorCode.BlobUnknown, detail: new { digest = digest.ToString() });
            }

            if (outcome == RangeOutcome.Full && options.SendfileEnabled && await ZeroCopySender.TrySendAsync(context, firstRequest, file, size, cancellationToken))
            {
                return;
            }

            await FilePipeCopier.CopyAsync(response, file, range.Start, range.Length, cancellationToken);
            return;
        }

        Stream reader;
        try
        {
            reader = await storage.ReaderAsync(path, range.Start, cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            throw new RegistryException(ErrorCode.BlobUnknown, detail: new { digest = digest.ToString() });
        }

        await using (reader)
        {
            await CopyAsync(reader, response.Body, range.Length, cancellationToken);
        }
    }

    private static bool IfNoneMatches(HttpRequest request, string etag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0)
        {
            return false;
        }

        return EntityTagHeaderValue.TryParseList(header, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.Equals(etag, StringComparison.Ordinal));
    }

    private static async Task CopyAsync(Stream source, Stream destination, long count, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var remaining = count;
            while (remaining > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"blob ended {remaining} bytes early");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
