using Microsoft.Win32.SafeHandles;

namespace EdgeRegistry.Origin.Storage.Filesystem;

/// <summary>
/// A writer on one open file of <see cref="FilesystemStorageDriver"/>. Not safe for concurrent use: one
/// request writes at a time, as one upload session does.
/// </summary>
/// <remarks>
/// Whole 4 KiB blocks at block offsets are written with <c>O_DIRECT</c> (<see cref="DirectIo"/>): from an
/// aligned caller buffer (<see cref="AlignedBuffers"/>) as they are, otherwise gathered in an aligned
/// staging buffer first. What is not a whole block (the head of an append that starts mid-block, the tail
/// at commit or close) goes through the page cache. Where the file system refuses direct I/O everything
/// goes through the page cache. Either way commit ends with <c>fsync</c>, which also flushes the device's
/// write cache for the direct blocks.
/// </remarks>
internal sealed class FilesystemStorageWriter : IStorageWriter
{
    private const int Block = AlignedBuffers.Alignment;

    private readonly string localPath;
    private readonly SafeFileHandle handle;
    private ArraySegment<byte> staging;
    private int staged;
    private long written;
    private bool directAllowed;
    private bool directSet;
    private State state;

    public FilesystemStorageWriter(string localPath, SafeFileHandle handle)
    {
        this.localPath = localPath;
        this.handle = handle;
        written = RandomAccess.GetLength(handle);
        directAllowed = DirectIo.Available;
    }

    private enum State
    {
        Open,
        Committed,
        Cancelled,
        Closed,
    }

    public long Size => written + staged;

    public async Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        EnsureOpen();
        if (staged == 0 && written % Block != 0)
        {
            // An append that starts mid-block: up to the next block boundary through the page cache.
            var head = (int)Math.Min(buffer.Length, Block - (written % Block));
            await WriteCachedAsync(buffer[..head], cancellationToken);
            buffer = buffer[head..];
        }

        if (staged == 0 && buffer.Length >= Block && (!directAllowed || AlignedBuffers.IsAligned(buffer)))
        {
            var blocks = buffer.Length / Block * Block;
            await WriteBlocksAsync(buffer[..blocks], cancellationToken);
            buffer = buffer[blocks..];
        }

        while (buffer.Length > 0)
        {
            if (staging.Array is null)
            {
                staging = AlignedBuffers.Shared.Rent();
            }

            var count = Math.Min(buffer.Length, staging.Count - staged);
            buffer.Span[..count].CopyTo(staging.AsSpan(staged));
            staged += count;
            buffer = buffer[count..];
            if (staged == staging.Count)
            {
                await FlushStagedAsync(cancellationToken);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Writes what is staged, then the file's data to the device (<c>fsync</c>), then closes the file.</remarks>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        EnsureOpen();
        await FlushStagedAsync(cancellationToken);
        RandomAccess.FlushToDisk(handle);
        state = State.Committed;
        Close();
    }

    /// <inheritdoc/>
    /// <remarks>Closes and deletes the file; a second cancel does nothing; cancelling a committed writer is an error.</remarks>
    public Task CancelAsync(CancellationToken cancellationToken)
    {
        switch (state)
        {
            case State.Cancelled:
                return Task.CompletedTask;
            case State.Committed:
                throw new InvalidOperationException("the writer is already committed");
        }

        state = State.Cancelled;
        Close();
        File.Delete(localPath);
        return Task.CompletedTask;
    }

    /// <summary>Writes what is staged and closes the file, keeping what was written for a later append.</summary>
    public async ValueTask DisposeAsync()
    {
        if (state != State.Open)
        {
            return;
        }

        state = State.Closed;
        try
        {
            await FlushStagedAsync(CancellationToken.None);
        }
        finally
        {
            Close();
        }
    }

    // Writes every staged byte: the whole blocks directly, a last partial block through the page cache.
    private async Task FlushStagedAsync(CancellationToken cancellationToken)
    {
        if (staged == 0)
        {
            return;
        }

        var blocks = staged / Block * Block;
        if (blocks > 0)
        {
            await WriteBlocksAsync(staging[..blocks], cancellationToken);
        }

        if (staged > blocks)
        {
            await WriteCachedAsync(staging[blocks..staged], cancellationToken);
        }

        staged = 0;
    }

    // Whole blocks at a block offset: directly when the file system allows it, else through the page cache.
    private async Task WriteBlocksAsync(ReadOnlyMemory<byte> blocks, CancellationToken cancellationToken)
    {
        if (directAllowed && (directSet || (directSet = DirectIo.TrySet(handle, direct: true))))
        {
            try
            {
                await RandomAccess.WriteAsync(handle, blocks, written, cancellationToken);
                written += blocks.Length;
                return;
            }
            catch (IOException)
            {
                // EINVAL for a buffer that is not aligned after all, or a file system that takes the flag but
                // not the write; a real failure (a full disk) fails again through the page cache below.
                directAllowed = false;
            }
        }
        else
        {
            directAllowed = false;
        }

        await WriteCachedAsync(blocks, cancellationToken);
    }

    private async Task WriteCachedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (directSet)
        {
            directSet = !DirectIo.TrySet(handle, direct: false);
        }

        await RandomAccess.WriteAsync(handle, buffer, written, cancellationToken);
        written += buffer.Length;
    }

    private void Close()
    {
        handle.Dispose();
        if (staging.Array is not null)
        {
            AlignedBuffers.Shared.Return(staging);
            staging = default;
        }
    }

    private void EnsureOpen()
    {
        if (state != State.Open)
        {
            throw new InvalidOperationException($"the writer is {state.ToString().ToLowerInvariant()}");
        }
    }
}
