namespace EdgeRegistry.Origin.Storage;

/// <summary>
/// An appending writer from <see cref="IStorageDriver.WriterAsync"/>. Bytes written are not guaranteed
/// durable until <see cref="CommitAsync"/>; <see cref="CancelAsync"/> removes what was written.
/// Disposing without either keeps what was written so far for a later append (a PATCH that ended).
/// </summary>
public interface IStorageWriter : IAsyncDisposable
{
    /// <summary>Bytes in the file: what existed before an append plus what was written since.</summary>
    long Size { get; }

    Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Flushes everything written to durable storage. The writer cannot be written to afterwards.</summary>
    Task CommitAsync(CancellationToken cancellationToken);

    /// <summary>Discards the file.</summary>
    Task CancelAsync(CancellationToken cancellationToken);
}
