namespace EdgeRegistry.Origin.Storage.InMemory;

/// <summary>
/// A writer of <see cref="InMemoryStorageDriver"/>: collects bytes privately and publishes them to its file
/// at commit or dispose, as a file system writer's buffer reaches the file. Not safe for concurrent use.
/// </summary>
internal sealed class InMemoryStorageWriter : IStorageWriter
{
    private readonly InMemoryStorageDriver driver;
    private readonly string path;
    private readonly InMemoryFile file;
    private readonly MemoryStream buffer;
    private State state;

    public InMemoryStorageWriter(InMemoryStorageDriver driver, string path, InMemoryFile file, byte[] existing)
    {
        this.driver = driver;
        this.path = path;
        this.file = file;
        buffer = new MemoryStream();
        buffer.Write(existing);
    }

    private enum State
    {
        Open,
        Committed,
        Cancelled,
        Closed,
    }

    public long Size => buffer.Length;

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (state != State.Open)
        {
            return Task.FromException(NotOpen());
        }

        buffer.Write(data.Span);
        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        if (state != State.Open)
        {
            return Task.FromException(NotOpen());
        }

        driver.Publish(file, buffer.ToArray());
        state = State.Committed;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>A second cancel does nothing; cancelling a committed writer is an error.</remarks>
    public Task CancelAsync(CancellationToken cancellationToken)
    {
        switch (state)
        {
            case State.Cancelled:
                return Task.CompletedTask;
            case State.Committed:
                return Task.FromException(new InvalidOperationException("the writer is already committed"));
        }

        state = State.Cancelled;
        driver.Remove(path, file);
        return Task.CompletedTask;
    }

    /// <summary>Publishes what was written, keeping it for a later append.</summary>
    public ValueTask DisposeAsync()
    {
        if (state == State.Open)
        {
            state = State.Closed;
            driver.Publish(file, buffer.ToArray());
        }

        return ValueTask.CompletedTask;
    }

    private InvalidOperationException NotOpen() => new($"the writer is {state.ToString().ToLowerInvariant()}");
}
