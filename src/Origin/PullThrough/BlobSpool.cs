using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// Where the bytes of one fill go while they arrive: a local file that every client of the fill reads as it grows
/// (<see cref="Path"/>), and, when mirroring, an upload of the repository (a session row, so that upload purging
/// removes what a crash leaves, and its data file) that becomes the blob by the storage's atomic move once the digest
/// is verified: the normal upload path. With a local file system storage the upload's data file is the spool itself;
/// otherwise the spool is a temporary file and the same bytes are written to the storage's writer too.
/// </summary>
internal sealed class BlobSpool
{
    private readonly IStorageDriver storage;
    private readonly IMetadataStore metadata;
    private readonly FileStream file;
    private readonly IStorageWriter? writer;
    private readonly UploadSession? session;
    private readonly bool isTemporary;
    private bool fileClosed;

    private BlobSpool(IStorageDriver storage, IMetadataStore metadata, string path, FileStream file, IStorageWriter? writer, UploadSession? session, bool isTemporary)
    {
        this.storage = storage;
        this.metadata = metadata;
        Path = path;
        this.file = file;
        this.writer = writer;
        this.session = session;
        this.isTemporary = isTemporary;
    }

    /// <summary>The local file readers open (with <see cref="FileShare.ReadWrite"/> and <see cref="FileShare.Delete"/>).</summary>
    public string Path { get; }

    /// <summary>
    /// A spool for a blob fetched through <paramref name="repository"/>: an upload of that repository when
    /// <paramref name="mirror"/>, else a temporary file in <paramref name="spoolDirectory"/> only.
    /// </summary>
    public static async Task<BlobSpool> CreateAsync(
        IStorageDriver storage,
        IMetadataStore metadata,
        string repository,
        bool mirror,
        string spoolDirectory,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        UploadSession? session = null;
        IStorageWriter? writer = null;
        FileStream? file = null;
        string path;
        var isTemporary = !mirror || storage is not ILocalFileStorage;
        try
        {
            if (mirror)
            {
                session = new UploadSession(repository, Guid.NewGuid().ToString("N"), timeProvider.GetUtcNow());
                // The row comes first, as for an upload, so that purging finds any file a crash leaves behind.
                await metadata.CreateUploadAsync(session, cancellationToken);
            }

            if (isTemporary)
            {
                Directory.CreateDirectory(spoolDirectory);
                path = System.IO.Path.Combine(spoolDirectory, Guid.NewGuid().ToString("N"));
                if (mirror)
                {
                    writer = await storage.WriterAsync(StoragePaths.UploadData(repository, session!.Id), append: false, cancellationToken);
                }
            }
            else
            {
                // The upload's data file is written directly (unbuffered), not through the driver's buffered writer:
                // clients of the fill read it as it grows and must find every byte the fill has counted.
                path = ((ILocalFileStorage)storage).GetLocalPath(StoragePaths.UploadData(repository, session!.Id));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            }

            file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
            return new BlobSpool(storage, metadata, path, file, writer, session, isTemporary);
        }
        catch
        {
            if (file is not null)
            {
                await file.DisposeAsync();
            }

            if (writer is not null)
            {
                await writer.CancelAsync(CancellationToken.None);
            }

            if (session is not null)
            {
                // The cleanup runs to its end whatever ended the creation.
                await DeleteUploadAsync(storage, metadata, session, CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>Appends <paramref name="buffer"/> to the spool (and the storage writer); readers may read it once this returns.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (writer is null)
        {
            await file.WriteAsync(buffer, cancellationToken);
            return;
        }

        await Task.WhenAll(file.WriteAsync(buffer, cancellationToken).AsTask(), writer.WriteAsync(buffer, cancellationToken));
    }

    /// <summary>
    /// Makes the verified bytes the blob <paramref name="digest"/> in storage: flushes them to the device, moves the
    /// upload's data to the blob's content address (unless an identical blob got there meanwhile) and removes the
    /// upload. Only for a mirroring spool.
    /// </summary>
    public async Task PublishAsync(Digest digest, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            throw new InvalidOperationException("a spool that does not mirror has nothing to publish");
        }

        if (writer is null)
        {
            file.Flush(flushToDisk: true);
        }

        await CloseFileAsync();
        if (writer is not null)
        {
            await writer.CommitAsync(cancellationToken);
        }

        var uploadPath = StoragePaths.UploadData(session.Repository, session.Id);
        if (!await ExistsAsync(storage, StoragePaths.BlobData(digest), cancellationToken))
        {
            // An atomic rename (or a completed object): readers see no blob or the whole blob.
            await storage.MoveAsync(uploadPath, StoragePaths.BlobData(digest), cancellationToken);
        }

        await DeleteUploadAsync(storage, metadata, session, cancellationToken);
        if (isTemporary)
        {
            TryDelete(Path);
        }
    }

    /// <summary>
    /// Removes whatever the spool left (the temporary file, the unpublished upload and its row). Readers that have the
    /// file open keep reading it. Safe to call after <see cref="PublishAsync"/> and more than once.
    /// </summary>
    public async Task DiscardAsync(CancellationToken cancellationToken)
    {
        await CloseFileAsync();
        if (writer is not null)
        {
            try
            {
                await writer.CancelAsync(cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // Committed: the upload is removed below.
            }
        }

        if (isTemporary)
        {
            TryDelete(Path);
        }

        if (session is not null)
        {
            await DeleteUploadAsync(storage, metadata, session, cancellationToken);
        }
    }

    private async Task CloseFileAsync()
    {
        if (!fileClosed)
        {
            fileClosed = true;
            await file.DisposeAsync();
        }
    }

    private static async Task DeleteUploadAsync(IStorageDriver storage, IMetadataStore metadata, UploadSession session, CancellationToken cancellationToken)
    {
        try
        {
            await storage.DeleteAsync(StoragePaths.UploadDirectory(session.Repository, session.Id), cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            // Never written, or already removed.
        }

        await metadata.DeleteUploadAsync(session.Repository, session.Id, cancellationToken);
    }

    private static async Task<bool> ExistsAsync(IStorageDriver storage, string path, CancellationToken cancellationToken)
    {
        try
        {
            await storage.StatAsync(path, cancellationToken);
            return true;
        }
        catch (StoragePathNotFoundException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the temp directory's own cleaning.
        }
    }
}
