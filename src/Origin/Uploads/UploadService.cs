using System.Buffers;
using System.Collections.Concurrent;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Uploads;

/// <summary>
/// Blob upload sessions (OCI Distribution Spec v1.1, "Pushing blobs"): bytes are appended to the
/// session's file in storage while being hashed; the blob becomes visible only after its digest is
/// verified, by moving the file to the blob's content address and then linking it to the repository.
/// </summary>
internal sealed partial class UploadService(
    IStorageDriver storage,
    IMetadataStore metadata,
    TimeProvider timeProvider,
    ILogger<UploadService> logger)
{
    private const int BufferSize = 1024 * 1024;

    private readonly ConcurrentDictionary<string, UploadState> states = new(StringComparer.Ordinal);

    /// <summary>Opens a session with an empty file.</summary>
    public async Task<UploadSession> StartAsync(string repository, CancellationToken cancellationToken)
    {
        var session = new UploadSession(repository, Guid.NewGuid().ToString("N"), timeProvider.GetUtcNow());
        // The row comes first so that purging finds any file a crash leaves behind.
        await metadata.CreateUploadAsync(session, cancellationToken);
        // Created, not committed: nothing of an upload in progress needs to be durable yet, and a commit's
        // fsync of the empty file waited here for the disk (70–100 ms while an earlier upload's file was
        // being deleted, measured with strace).
        await using (await storage.WriterAsync(StoragePaths.UploadData(repository, session.Id), append: false, cancellationToken))
        {
        }

        states[session.Id] = new UploadState();
        return session;
    }

    /// <summary>The bytes received so far. BLOB_UPLOAD_UNKNOWN when there is no such session.</summary>
    public async Task<long> GetOffsetAsync(string repository, string id, CancellationToken cancellationToken)
    {
        await RequireSessionAsync(repository, id, cancellationToken);
        return await StoredSizeAsync(repository, id, cancellationToken);
    }

    /// <summary>
    /// Appends a chunk. With a <paramref name="range"/>, its start must be the current offset and its length
    /// the body's (416 otherwise). Returns the new offset.
    /// </summary>
    public async Task<long> AppendAsync(string repository, string id, Stream body, ContentRange? range, long? contentLength, CancellationToken cancellationToken)
    {
        await RequireSessionAsync(repository, id, cancellationToken);
        var state = states.GetOrAdd(id, _ => new UploadState { Hasher = null });
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            return await AppendLockedAsync(repository, id, state, body, range, contentLength, commit: false, cancellationToken);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>
    /// Completes the upload with an optional last chunk: verifies <paramref name="expected"/> against every
    /// byte received, publishes the blob and links it to the repository. DIGEST_INVALID on a mismatch (the
    /// session is then discarded). Returns the blob's size.
    /// </summary>
    public async Task<long> CompleteAsync(string repository, string id, Stream? lastChunk, ContentRange? range, long? contentLength, Digest expected, CancellationToken cancellationToken)
    {
        await RequireSessionAsync(repository, id, cancellationToken);
        var state = states.GetOrAdd(id, _ => new UploadState { Hasher = null });
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            var size = await AppendLockedAsync(repository, id, state, lastChunk ?? Stream.Null, range, contentLength, commit: true, cancellationToken);
            var actual = state.Hasher is { } hasher && state.HashedOffset == size && hasher.Algorithm == expected.Algorithm
                ? hasher.Current()
                : await HashStoredAsync(StoragePaths.UploadData(repository, id), expected.Algorithm, cancellationToken);
            if (actual != expected)
            {
                Log.DigestMismatch(logger, repository, expected.ToString(), actual.ToString());
                await DiscardAsync(repository, id, cancellationToken);
                throw new RegistryException(ErrorCode.DigestInvalid, "provided digest did not match uploaded content", new { expected = expected.ToString(), actual = actual.ToString() });
            }

            await PublishAsync(StoragePaths.UploadData(repository, id), expected, cancellationToken);
            await metadata.LinkBlobAsync(repository, expected, size, cancellationToken);
            await DiscardAsync(repository, id, cancellationToken);
            RegistryMetrics.BlobsPublished.Inc();
            Log.BlobPublished(logger, repository, expected.ToString(), size);
            return size;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Cancels a session and removes its bytes. BLOB_UPLOAD_UNKNOWN when there is no such session.</summary>
    public async Task CancelAsync(string repository, string id, CancellationToken cancellationToken)
    {
        await RequireSessionAsync(repository, id, cancellationToken);
        await DiscardAsync(repository, id, cancellationToken);
    }

    /// <summary>
    /// Cross-repository mount: links a blob that <paramref name="from"/> may serve into <paramref name="repository"/>.
    /// False when the source does not have it (the caller then opens a session, as the spec says).
    /// </summary>
    public async Task<bool> MountAsync(string repository, string from, Digest digest, CancellationToken cancellationToken)
    {
        if (!RepositoryName.IsValid(from))
        {
            return false;
        }

        var size = await metadata.GetLinkedBlobSizeAsync(from, digest, cancellationToken);
        if (size is null || !await BlobStoredAsync(digest, cancellationToken))
        {
            return false;
        }

        await metadata.LinkBlobAsync(repository, digest, size.Value, cancellationToken);
        return true;
    }

    /// <summary>Removes a session's bytes and its row (upload purging, cancel, completion).</summary>
    public async Task DiscardAsync(string repository, string id, CancellationToken cancellationToken)
    {
        if (states.TryRemove(id, out var state))
        {
            // The gate may be held by the caller; let the collector have the rest.
            state.ResetHash();
        }

        try
        {
            await storage.DeleteAsync(StoragePaths.UploadDirectory(repository, id), cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            // Already gone: a crash between the row and the file, or a second cancel.
        }

        await metadata.DeleteUploadAsync(repository, id, cancellationToken);
    }

    private async Task<long> AppendLockedAsync(string repository, string id, UploadState state, Stream body, ContentRange? range, long? contentLength, bool commit, CancellationToken cancellationToken)
    {
        if (range is { } r && contentLength is { } length && r.Length != length)
        {
            throw new RegistryException(ErrorCode.RangeInvalid, "Content-Range does not match Content-Length", new { contentRange = $"{r.Start}-{r.End}", contentLength = length });
        }

        await using var writer = await storage.WriterAsync(StoragePaths.UploadData(repository, id), append: true, cancellationToken);
        var start = writer.Size;
        if (range is { } chunk && chunk.Start != start)
        {
            throw new RegistryException(ErrorCode.RangeInvalid, $"chunk must start at offset {start}", new { offset = start, contentRange = $"{chunk.Start}-{chunk.End}" });
        }

        if (state.Hasher is not null && state.HashedOffset != start)
        {
            state.ResetHash();
        }

        long received;
        try
        {
            received = await HashingCopier.CopyAsync(
                body,
                writer,
                state.Hasher,
                read =>
                {
                    RegistryMetrics.BytesReceived.Inc(read);
                    state.HashedOffset += read;
                },
                cancellationToken);
        }
        catch
        {
            // Part of the chunk may be stored; the client resumes from the offset GET reports.
            state.ResetHash();
            throw;
        }

        if (commit)
        {
            await writer.CommitAsync(cancellationToken);
        }

        if (range is { } claimed && claimed.Length != received)
        {
            throw new RegistryException(ErrorCode.RangeInvalid, "chunk is shorter or longer than its Content-Range", new { expected = claimed.Length, received });
        }

        return start + received;
    }

    private async Task PublishAsync(string uploadPath, Digest digest, CancellationToken cancellationToken)
    {
        if (await BlobStoredAsync(digest, cancellationToken))
        {
            // Content-addressed: the bytes already there are the same bytes.
            return;
        }

        // An atomic rename: readers see no blob or the whole blob. Two uploads of the same blob both rename; the last wins with identical bytes.
        await storage.MoveAsync(uploadPath, StoragePaths.BlobData(digest), cancellationToken);
    }

    private async Task<bool> BlobStoredAsync(Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            await storage.StatAsync(StoragePaths.BlobData(digest), cancellationToken);
            return true;
        }
        catch (StoragePathNotFoundException)
        {
            return false;
        }
    }

    private async Task<Digest> HashStoredAsync(string path, string algorithm, CancellationToken cancellationToken)
    {
        using var hasher = new DigestHasher(algorithm);
        await using var reader = await storage.ReaderAsync(path, 0, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hasher.Current();
    }

    private async Task<long> StoredSizeAsync(string repository, string id, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.StatAsync(StoragePaths.UploadData(repository, id), cancellationToken)).Size;
        }
        catch (StoragePathNotFoundException)
        {
            throw new RegistryException(ErrorCode.BlobUploadUnknown, detail: new { uuid = id });
        }
    }

    private async Task RequireSessionAsync(string repository, string id, CancellationToken cancellationToken)
    {
        if (!IsValidId(id) || await metadata.GetUploadAsync(repository, id, cancellationToken) is null)
        {
            throw new RegistryException(ErrorCode.BlobUploadUnknown, detail: new { uuid = id.Length > 64 ? id[..64] : id });
        }
    }

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Blob {Digest} ({Size} bytes) published in {Repository}")]
        public static partial void BlobPublished(ILogger logger, string repository, string digest, long size);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Upload to {Repository} declared {Expected} but hashed to {Actual}")]
        public static partial void DigestMismatch(ILogger logger, string repository, string expected, string actual);
    }
}
