using System.Buffers;
using System.Globalization;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>
/// A writer of <see cref="S3StorageDriver"/>. Bytes gather in one pooled buffer of <c>chunksize</c>; each
/// time it fills, it becomes the next part of the file's multipart upload (started on the first full
/// buffer), so memory stays at one chunk whatever the file's size. Committing uploads what is left as the
/// last part and completes the upload (or PUTs the file whole when it never filled a buffer). Disposing
/// without committing uploads the buffer as a part when it has 5 MiB or more, and records the upload, its
/// parts and the shorter tail in the file's partial record, which replaces the file until a commit.
/// Not safe for concurrent use: one request writes at a time, as one upload session does.
/// </summary>
internal sealed class S3StorageWriter : IStorageWriter
{
    private readonly S3StorageDriver driver;
    private readonly string path;
    private readonly string key;
    private readonly string partialKey;
    private readonly S3PartialFile partial;
    private byte[]? buffer;
    private int buffered;
    private long partBytes;

    // The committed object's size when the writer continues one whose bytes are not loaded yet (it is
    // loaded at the first write, so an append that writes nothing costs nothing); -1 otherwise.
    private long committedToLoad = -1;

    // Something changed that the partial record or a commit must keep.
    private bool dirty;

    // The committed object (if any) is no longer the file once the partial record is written: a truncating
    // writer, or one that continued the committed bytes.
    private bool replacesCommitted;

    // A partial record may exist and must go when the file is committed or cancelled.
    private bool partialMayExist;
    private State state;

    private S3StorageWriter(S3StorageDriver driver, string path, string key, string partialKey, S3PartialFile partial)
    {
        this.driver = driver;
        this.path = path;
        this.key = key;
        this.partialKey = partialKey;
        this.partial = partial;
    }

    private enum State
    {
        Open,
        Committed,
        Cancelled,
        Closed,
    }

    public long Size => (committedToLoad >= 0 ? committedToLoad : 0) + partBytes + buffered;

    /// <summary>A writer that starts the file empty (what was there stays until it commits or is disposed).</summary>
    public static S3StorageWriter Create(S3StorageDriver driver, string path, string key, string partialKey) =>
        new(driver, path, key, partialKey, new S3PartialFile()) { dirty = true, replacesCommitted = true, partialMayExist = true };

    /// <summary>A writer that continues the committed object of <paramref name="size"/> bytes.</summary>
    public static S3StorageWriter AppendToCommitted(S3StorageDriver driver, string path, string key, string partialKey, long size) =>
        new(driver, path, key, partialKey, new S3PartialFile()) { committedToLoad = size, partialMayExist = true };

    /// <summary>A writer that continues a partial file: its upload, its parts and its tail.</summary>
    public static S3StorageWriter AppendToPartial(S3StorageDriver driver, string path, string key, string partialKey, S3PartialFile partial, ReadOnlyMemory<byte> tail)
    {
        var writer = new S3StorageWriter(driver, path, key, partialKey, partial) { partialMayExist = true };
        writer.partBytes = partial.PartBytes;
        if (tail.Length > driver.ChunkSize)
        {
            throw new FormatException($"the partial record of {path} holds a tail longer than chunksize");
        }

        tail.CopyTo(writer.Buffer());
        writer.buffered = tail.Length;
        return writer;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        EnsureOpen();
        if (data.IsEmpty)
        {
            return;
        }

        if (committedToLoad >= 0)
        {
            await LoadCommittedAsync(cancellationToken);
        }

        dirty = true;
        while (!data.IsEmpty)
        {
            var count = Math.Min(data.Length, driver.ChunkSize - buffered);
            data[..count].CopyTo(Buffer().AsMemory(buffered));
            buffered += count;
            data = data[count..];
            if (buffered == driver.ChunkSize)
            {
                await FlushPartAsync(cancellationToken);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Completes the multipart upload (or PUTs a file shorter than one chunk), then removes the partial record.</remarks>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        EnsureOpen();
        if (committedToLoad >= 0)
        {
            // Nothing was written: the committed object already is the content.
            Finish(State.Committed);
            return;
        }

        if (partial.Parts.Count == 0)
        {
            await driver.PutObjectAsync(key, Buffer().AsMemory(0, buffered), metadata: null, cancellationToken);
        }
        else
        {
            if (buffered > 0)
            {
                await FlushPartAsync(cancellationToken);
            }

            await driver.CompleteMultipartUploadAsync(path, key, partial.UploadId!, partial.Parts, partBytes, cancellationToken);
        }

        Finish(State.Committed);
        if (partialMayExist)
        {
            await driver.DeleteObjectAsync(partialKey, cancellationToken);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Aborts the multipart upload (best effort) and deletes both the object and the partial record.</remarks>
    public async Task CancelAsync(CancellationToken cancellationToken)
    {
        switch (state)
        {
            case State.Cancelled:
                return;
            case State.Committed:
                throw new InvalidOperationException("the writer is already committed");
        }

        Finish(State.Cancelled);
        await driver.AbortQuietlyAsync(key, partial.UploadId, cancellationToken);
        await driver.DeleteObjectsAsync([key, partialKey], cancellationToken);
    }

    /// <summary>
    /// Keeps what was written for a later append: the buffer becomes a part when it may (5 MiB or more),
    /// and the partial record is written. Throws <see cref="StorageUnavailableException"/> when S3 cannot
    /// take it; the file then is what the previous writer left.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (state != State.Open)
        {
            return;
        }

        try
        {
            if (dirty)
            {
                // The request is over (or failed); this is the last chance to keep its bytes, so it does not
                // depend on the request's token.
                if (buffered >= S3StorageDriver.MinimumPartSize)
                {
                    await FlushPartAsync(CancellationToken.None);
                }

                var manifest = partial.SerializeManifest();
                var length = manifest.Length + buffered;
                var record = ArrayPool<byte>.Shared.Rent(length);
                manifest.CopyTo(record, 0);
                Buffer().AsSpan(0, buffered).CopyTo(record.AsSpan(manifest.Length));
                var metadata = new Dictionary<string, string>
                {
                    [S3PartialFile.SizeMetadata] = (partBytes + buffered).ToString(CultureInfo.InvariantCulture),
                };
                if (partial.UploadId is { } uploadId)
                {
                    metadata[S3PartialFile.UploadIdMetadata] = uploadId;
                }

                try
                {
                    await driver.PutObjectAsync(partialKey, record.AsMemory(0, length), metadata, CancellationToken.None);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(record);
                }
                if (replacesCommitted)
                {
                    await driver.DeleteObjectAsync(key, CancellationToken.None);
                }
            }
        }
        finally
        {
            Finish(State.Closed);
        }
    }

    // Brings the committed object's bytes into this writer: into the buffer when they fit, else streamed
    // through it part by part (S3 cannot append to an object).
    private async Task LoadCommittedAsync(CancellationToken cancellationToken)
    {
        var size = committedToLoad;
        if (size > 0)
        {
            using var response = await driver.GetObjectAsync(key, 0, etag: null, cancellationToken);
            var stream = response.ResponseStream;
            long loaded = 0;
            while (loaded < size)
            {
                var read = await stream.ReadAsync(Buffer().AsMemory(buffered, (int)Math.Min(driver.ChunkSize - buffered, size - loaded)), cancellationToken);
                if (read == 0)
                {
                    throw new StorageUnavailableException("GetObject", key, new IOException($"{path} ended {size - loaded} bytes early"));
                }

                buffered += read;
                loaded += read;
                if (buffered == driver.ChunkSize && loaded < size)
                {
                    await FlushPartAsync(cancellationToken);
                }
            }
        }

        committedToLoad = -1;
        replacesCommitted = true;
        dirty = true;
    }

    private async Task FlushPartAsync(CancellationToken cancellationToken)
    {
        var number = partial.Parts.Count + 1;
        if (number > S3StorageDriver.MaximumParts)
        {
            throw new IOException($"{path} outgrows the {S3StorageDriver.MaximumParts} parts of a multipart upload; raise storage.s3.chunksize");
        }

        partial.UploadId ??= await driver.StartMultipartUploadAsync(key, cancellationToken);
        var etag = await driver.UploadPartAsync(path, key, partial.UploadId, number, Buffer().AsMemory(0, buffered), cancellationToken);
        partial.Parts.Add(new S3UploadedPart(number, etag, buffered));
        partBytes += buffered;
        buffered = 0;
    }

    private byte[] Buffer() => buffer ??= ArrayPool<byte>.Shared.Rent(driver.ChunkSize);

    private void Finish(State final)
    {
        state = final;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
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
