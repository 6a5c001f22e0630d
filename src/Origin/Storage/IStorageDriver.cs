namespace EdgeRegistry.Origin.Storage;

/// <summary>
/// The storage driver contract, after CNCF distribution's <c>storagedriver.StorageDriver</c>: a dozen
/// path-based calls. Paths are absolute within the driver (<c>/docker/registry/v2/...</c>), use
/// <c>/</c> as separator and never contain <c>..</c> or empty components (else
/// <see cref="InvalidStoragePathException"/>). A missing path raises
/// <see cref="StoragePathNotFoundException"/>. Every call is safe to run concurrently.
/// </summary>
public interface IStorageDriver
{
    /// <summary>The driver's name as configured: <c>filesystem</c>, <c>inmemory</c>, <c>s3</c>.</summary>
    string Name { get; }

    /// <summary>Reads a small file whole (link files, metadata). Not for blobs.</summary>
    Task<byte[]> GetContentAsync(string path, CancellationToken cancellationToken);

    /// <summary>Writes a small file whole, atomically: readers see the old or the new content, never a mix.</summary>
    Task PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a stream that reads <paramref name="path"/> from byte <paramref name="offset"/>. An offset
    /// past the end raises <see cref="InvalidStorageOffsetException"/>; an offset equal to the size gives an empty stream.
    /// </summary>
    Task<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a writer on <paramref name="path"/>. With <paramref name="append"/> the writer continues an
    /// existing file (which must exist) and its <see cref="IStorageWriter.Size"/> starts at the current size;
    /// without, the file is truncated or created. Content becomes durable at <see cref="IStorageWriter.CommitAsync"/>.
    /// </summary>
    Task<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken);

    /// <summary>Size and modification time of a file, or a directory (Size 0, IsDirectory).</summary>
    Task<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken);

    /// <summary>The direct children of a directory, as full paths, sorted ordinally.</summary>
    Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken);

    /// <summary>Moves a file, replacing the destination atomically if it exists (publish by rename).</summary>
    Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken);

    /// <summary>Deletes a file or a whole directory tree.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>A URL from which a client can read the file directly, or null when the driver has none.</summary>
    Task<Uri?> RedirectUrlAsync(string path, string method, CancellationToken cancellationToken);

    /// <summary>Every file (not directory) below <paramref name="path"/>, depth first, in no guaranteed order.</summary>
    IAsyncEnumerable<StorageFileInfo> WalkAsync(string path, CancellationToken cancellationToken);
}
