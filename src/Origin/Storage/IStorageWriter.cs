namespace EdgeRegistry.Origin.Storage;

/// <summary>
/// An appending writer from <see cref="IStorageDriver.WriterAsync"/>. Bytes written are not guaranteed
/// durable until <see cref="CommitAsync"/>; <see cref="CancelAsync"/> removes what was written.
/// Disposing without either keeps what was written so far for a later append (a PATCH that ended).
/// A writer is used by one caller at a time; it is not safe for concurrent use.
/// </summary>
public interface IStorageWriter : IAsyncDisposable
{
    /// <summary>Bytes in the file: what existed before an append plus what was written since.</summary>
    long Size { get; }

    /// <summary>Appends <paramref name="buffer"/>. After commit or cancel it throws <see cref="InvalidOperationException"/>.</summary>
    Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Flushes everything written to durable storage and makes it the file's content. The writer cannot be
    /// written to afterwards (<see cref="InvalidOperationException"/>).
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Discards the file: what existed before an append too. Cancelling again does nothing; cancelling a
    /// committed writer throws <see cref="InvalidOperationException"/>.
    /// </summary>
    Task CancelAsync(CancellationToken cancellationToken);
}
