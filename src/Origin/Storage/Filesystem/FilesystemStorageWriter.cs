namespace EdgeRegistry.Origin.Storage.Filesystem;

/// <summary>
/// A writer on one open file of <see cref="FilesystemStorageDriver"/>. Not safe for concurrent use: one
/// request writes at a time, as one upload session does.
/// </summary>
internal sealed class FilesystemStorageWriter : IStorageWriter
{
    private readonly string localPath;
    private readonly FileStream stream;
    private State state;

    public FilesystemStorageWriter(string localPath, FileStream stream)
    {
        this.localPath = localPath;
        this.stream = stream;
        Size = stream.Position;
    }

    private enum State
    {
        Open,
        Committed,
        Cancelled,
        Closed,
    }

    public long Size { get; private set; }

    public async Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        EnsureOpen();
        await stream.WriteAsync(buffer, cancellationToken);
        Size += buffer.Length;
    }

    /// <inheritdoc/>
    /// <remarks>Flushes the buffer and then the file's data to the device (<c>fsync</c>), then closes the file.</remarks>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        EnsureOpen();
        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
        state = State.Committed;
        await stream.DisposeAsync();
    }

    /// <inheritdoc/>
    /// <remarks>Closes and deletes the file; a second cancel does nothing; cancelling a committed writer is an error.</remarks>
    public async Task CancelAsync(CancellationToken cancellationToken)
    {
        switch (state)
        {
            case State.Cancelled:
                return;
            case State.Committed:
                throw new InvalidOperationException("the writer is already committed");
        }

        state = State.Cancelled;
        await stream.DisposeAsync();
        File.Delete(localPath);
    }

    /// <summary>Closes the file, keeping what was written for a later append.</summary>
    public async ValueTask DisposeAsync()
    {
        if (state == State.Open)
        {
            state = State.Closed;
            await stream.DisposeAsync();
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
