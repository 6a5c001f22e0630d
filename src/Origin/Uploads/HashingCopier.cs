using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Uploads;

/// <summary>
/// Copies a request body into a storage writer while hashing it, with reading, hashing and writing running
/// at the same time on different buffers. SHA-256 of one stream cannot be split across cores, so a push is
/// as fast as the slowest of the three; a queue of <see cref="Depth"/> buffers between them absorbs the
/// moments where one runs late (a slow read, a disk flush) without stalling the others.
/// </summary>
internal static class HashingCopier
{
    /// <summary>Buffers in flight per copy, each <see cref="AlignedBuffers.Size"/> bytes.</summary>
    public const int Depth = 4;

    /// <summary>
    /// Copies <paramref name="body"/> to its end into <paramref name="writer"/>, appending every byte to
    /// <paramref name="hasher"/> (when not null) in order. <paramref name="copied"/> is told the length of
    /// each buffer handed on. Returns the bytes copied; when it throws, part of the body may be written.
    /// </summary>
    public static async Task<long> CopyAsync(Stream body, IStorageWriter writer, DigestHasher? hasher, Action<int> copied, CancellationToken cancellationToken)
    {
        var buffers = new ArraySegment<byte>[Depth];
        var done = new Task[Depth];
        Array.Fill(done, Task.CompletedTask);
        Task hashed = Task.CompletedTask, written = Task.CompletedTask;
        long total = 0;
        try
        {
            for (var slot = 0; ; slot = (slot + 1) % Depth)
            {
                // The buffer's last hash and write must be over before it is filled again.
                await done[slot];
                if (buffers[slot].Array is null)
                {
                    // Aligned buffers: the filesystem driver writes them to disk as they are, without a page-cache copy.
                    buffers[slot] = AlignedBuffers.Rent();
                }

                var read = await FillAsync(body, buffers[slot], cancellationToken);
                if (read == 0)
                {
                    break;
                }

                var data = buffers[slot][..read];
                if (hasher is not null)
                {
                    hashed = HashAfterAsync(hashed, hasher, data);
                }

                written = WriteAfterAsync(written, writer, data, cancellationToken);
                done[slot] = Task.WhenAll(hashed, written);
                total += read;
                copied(read);
            }

            await Task.WhenAll(hashed, written);
        }
        finally
        {
            // After a failure the other buffers' work may still run; it must end before the buffers go back.
            await Task.WhenAll(hashed, written).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            foreach (var buffer in buffers)
            {
                if (buffer.Array is not null)
                {
                    AlignedBuffers.Return(buffer);
                }
            }
        }

        return total;
    }

    // On a pool thread, after the previous buffer's hash: hashing must not hold up the next read.
    private static Task HashAfterAsync(Task previous, DigestHasher hasher, ArraySegment<byte> data) =>
        Task.Run(async () =>
        {
            await previous;
            hasher.Append(data);
        });

    private static async Task WriteAfterAsync(Task previous, IStorageWriter writer, ArraySegment<byte> data, CancellationToken cancellationToken)
    {
        await previous;
        await writer.WriteAsync(data, cancellationToken);
    }

    /// <summary>Reads until the buffer is full or the stream ends; fewer, larger writes and hash calls.</summary>
    private static async Task<int> FillAsync(Stream source, ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Count)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
