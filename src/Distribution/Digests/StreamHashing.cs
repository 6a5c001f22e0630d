using System.Buffers;

namespace EdgeRegistry.Distribution.Digests;

/// <summary>
/// Copies a stream to a destination while hashing it, through one pooled buffer: the content is never
/// held whole in memory.
/// </summary>
public static class StreamHashing
{
    /// <summary>Size of the pooled copy buffer (1 MiB).</summary>
    public const int BufferSize = 1024 * 1024;

    /// <summary>
    /// Copies <paramref name="source"/> to its end into <paramref name="destination"/>, hashing with sha256.
    /// Throws <see cref="ContentTooLargeException"/> as soon as more than <paramref name="maxBytes"/> bytes
    /// are read (none of the excess is written). Exceptions of the source or destination propagate as they are.
    /// </summary>
    public static ValueTask<HashedCopyResult> CopyAndHashAsync(Stream source, Stream destination, long? maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return CopyAndHashAsync(source, (chunk, ct) => destination.WriteAsync(chunk, ct), maxBytes, cancellationToken);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to its end into <paramref name="sink"/>, hashing with sha256. The chunk
    /// passed to the sink is only valid until the sink's task completes (the buffer is reused).
    /// Throws <see cref="ContentTooLargeException"/> as soon as more than <paramref name="maxBytes"/> bytes are read.
    /// </summary>
    public static async ValueTask<HashedCopyResult> CopyAndHashAsync(
        Stream source,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink,
        long? maxBytes,
        CancellationToken cancellationToken)
    {
        using var hasher = new DigestHasher(Digest.Sha256);
        var length = await CopyAndHashAsync(source, hasher, sink, maxBytes, cancellationToken).ConfigureAwait(false);
        return new HashedCopyResult(hasher.Current(), length);
    }

    /// <summary>
    /// Copies <paramref name="source"/> to its end into <paramref name="sink"/>, appending every byte to
    /// <paramref name="hasher"/> (any algorithm; the hasher may already hold earlier chunks of the same
    /// content). Returns the number of bytes copied by this call. <paramref name="maxBytes"/> limits this
    /// call's bytes; <see cref="ContentTooLargeException"/> is thrown before any excess reaches the sink.
    /// </summary>
    public static async ValueTask<long> CopyAndHashAsync(
        Stream source,
        DigestHasher hasher,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> sink,
        long? maxBytes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentNullException.ThrowIfNull(sink);
        if (maxBytes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "the limit must not be negative");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return total;
                }

                total += read;
                if (total > maxBytes)
                {
                    throw new ContentTooLargeException(maxBytes.Value);
                }

                hasher.Append(buffer.AsSpan(0, read));
                await sink(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
