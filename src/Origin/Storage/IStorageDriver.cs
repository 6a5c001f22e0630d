namespace EdgeRegistry.Origin.Storage;

/// <summary>
/// The storage driver contract, after CNCF distribution's <c>storagedriver.StorageDriver</c>: a dozen
/// path-based calls. Paths are absolute within the driver (<c>/docker/registry/v2/...</c>), use
/// <c>/</c> as separator and never contain empty, <c>.</c> or <c>..</c> components, a backslash or a NUL
/// (else <see cref="InvalidStoragePathException"/>, before anything is touched). The root <c>/</c> is valid
/// only where a directory is expected (stat, list, walk). A missing path raises
/// <see cref="StoragePathNotFoundException"/>; so does a directory given where a file is expected (get,
/// reader, appending writer, move source) and a file given to list or walk. Every call is safe to run concurrently. <c>StoragePaths</c> maps registry objects
/// to paths.
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
    /// Opens a stream that reads <paramref name="path"/> from byte <paramref name="offset"/>. A negative
    /// offset or one past the end raises <see cref="InvalidStorageOffsetException"/>; an offset equal to the
    /// size gives an empty stream. The stream keeps reading the content it opened even when the path is
    /// replaced by <see cref="MoveAsync"/> or <see cref="PutContentAsync"/> or deleted meanwhile; the caller disposes it.
    /// </summary>
    Task<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a writer on <paramref name="path"/>. With <paramref name="append"/> the writer continues an
    /// existing file (which must exist, else <see cref="StoragePathNotFoundException"/>) and its
    /// <see cref="IStorageWriter.Size"/> starts at the current size; without, the file is truncated or
    /// created, with its parent directories. Content becomes durable at <see cref="IStorageWriter.CommitAsync"/>.
    /// One writer per path at a time: concurrent writers of one path are the caller's to prevent.
    /// </summary>
    Task<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken);

    /// <summary>Size and modification time of a file, or a directory (Size 0, IsDirectory; <c>/</c> included).</summary>
    Task<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// The direct children (files and directories) of a directory, as full paths, sorted ordinally. A missing
    /// directory, or a file, raises <see cref="StoragePathNotFoundException"/>.
    /// </summary>
    Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a file, replacing the destination atomically if it exists (publish by rename) and creating its
    /// parent directories. A missing source raises <see cref="StoragePathNotFoundException"/> and leaves the
    /// destination as it was. Concurrent moves onto one destination all succeed; one of them wins whole.
    /// </summary>
    Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken);

    /// <summary>Deletes a file or a whole directory tree (never <c>/</c>: that path is invalid here).</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>A URL from which a client can read the file directly, or null when the driver has none.</summary>
    Task<Uri?> RedirectUrlAsync(string path, string method, CancellationToken cancellationToken);

    /// <summary>
    /// Every file (not directory) below the directory <paramref name="path"/>, depth first, in no guaranteed
    /// order. The path is checked when enumeration starts: invalid, missing or a file raises then. Files
    /// deleted during the walk may or may not appear.
    /// </summary>
    IAsyncEnumerable<StorageFileInfo> WalkAsync(string path, CancellationToken cancellationToken);
}
