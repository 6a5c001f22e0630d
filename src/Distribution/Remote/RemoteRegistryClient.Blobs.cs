using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>Blob GET (streamed, resumable at an offset) and HEAD.</summary>
public sealed partial class RemoteRegistryClient
{
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
}
