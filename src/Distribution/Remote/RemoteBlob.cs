namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// A blob being streamed from a remote registry. <see cref="Content"/> reads the upstream's response body
/// as it arrives (never buffered whole); dispose this to release the connection.
/// </summary>
/// <remarks>
/// When <see cref="IsVerified"/> is true, <see cref="Content"/> hashes what it returns and, instead of
/// reporting its end, throws <see cref="Digests.DigestMismatchException"/> (an <see cref="IOException"/>) when
/// the bytes do not match the digest asked for or the length the upstream announced: a consumer that reached a
/// clean end has the right content. A partial answer (a 206 to a request from an offset) cannot be checked.
/// </remarks>
public sealed class RemoteBlob : IDisposable, IAsyncDisposable
{
    private readonly HttpResponseMessage response;

    internal RemoteBlob(HttpResponseMessage response, Stream content, long offset, long? length, long? totalLength, string? contentType, bool isVerified)
    {
        this.response = response;
        Content = content;
        Offset = offset;
        Length = length;
        TotalLength = totalLength;
        ContentType = contentType;
        IsVerified = isVerified;
    }

    /// <summary>The bytes of the blob from <see cref="Offset"/> to its end.</summary>
    public Stream Content { get; }

    /// <summary>The position in the blob of the first byte of <see cref="Content"/>.</summary>
    public long Offset { get; }

    /// <summary>How many bytes <see cref="Content"/> yields, when the upstream said (Content-Length); else null.</summary>
    public long? Length { get; }

    /// <summary>The size of the whole blob in bytes, when the upstream said; else null.</summary>
    public long? TotalLength { get; }

    /// <summary>The upstream's Content-Type, as sent; null when absent.</summary>
    public string? ContentType { get; }

    /// <summary>True when <see cref="Content"/> checks the digest at its end (the whole blob was fetched).</summary>
    public bool IsVerified { get; }

    public void Dispose()
    {
        Content.Dispose();
        response.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
    }
}
