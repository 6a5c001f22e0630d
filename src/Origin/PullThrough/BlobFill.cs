using System.Buffers;
using System.Collections.Concurrent;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// The one fetch of one blob from a remote registry in this process: the candidates are tried in turn until one sends
/// the blob; its bytes are hashed as they arrive and written to a <see cref="BlobSpool"/> that every client of the
/// blob reads as it grows (<see cref="OpenReaderAsync"/>); once the digest is verified and, with mirroring, the blob
/// is published in storage and linked into every repository that asked for it. Bytes that do not match never become
/// a blob and are never handed out whole. The fill runs on its own token (bounded by the blob timeout, cancelled
/// when the host stops), so it outlives the request that started it.
/// </summary>
internal sealed partial class BlobFill
{
    private const int ChunkSize = 256 * 1024;

    private readonly Digest digest;
    private readonly long expectedSize;
    private readonly IReadOnlyList<RemoteCandidate> candidates;
    private readonly RemoteRegistryClientFactory remotes;
    private readonly IStorageDriver storage;
    private readonly IMetadataStore metadata;
    private readonly PullThroughSettings settings;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly TaskCompletionSource<BlobFillStart> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim spoolGate = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> repositories = new(StringComparer.Ordinal);
    private readonly Lock interestLock = new();
    private TaskCompletionSource progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BlobSpool? spool;
    private bool spoolClosed;
    private bool published;
    private int interest;
    private bool keptForInterest;
    private int discarded;
    private long written;
    private long length = -1;
    private volatile bool verified;
    private volatile RegistryException? failure;

    /// <param name="digest">The blob.</param>
    /// <param name="expectedSize">Its size as the manifest states it; <see cref="RemoteBlobRecord.UnknownSize"/> when it does not.</param>
    /// <param name="repository">The repository whose request starts the fill: its upload holds the bytes, and the blob is linked there.</param>
    /// <param name="candidates">The remote repositories to try, in order.</param>
    public BlobFill(
        Digest digest,
        long expectedSize,
        string repository,
        IReadOnlyList<RemoteCandidate> candidates,
        RemoteRegistryClientFactory remotes,
        IStorageDriver storage,
        IMetadataStore metadata,
        PullThroughSettings settings,
        TimeProvider timeProvider,
        ILogger logger)
    {
        this.digest = digest;
        this.expectedSize = expectedSize;
        this.candidates = candidates;
        this.remotes = remotes;
        this.storage = storage;
        this.metadata = metadata;
        this.settings = settings;
        this.timeProvider = timeProvider;
        this.logger = logger;
        Repository = repository;
        repositories[repository] = true;
    }

    /// <summary>The repository whose request started the fill.</summary>
    public string Repository { get; }

    /// <summary>Completes when a candidate has started sending the blob; faults with the reason when none could.</summary>
    public Task<BlobFillStart> Started => started.Task;

    /// <summary>Completes (never faults) when the fill has ended: published and linked, or failed and cleaned up.</summary>
    public Task Finished => finished.Task;

    /// <summary>True once the blob is in storage and linked into the repositories of the fill.</summary>
    public bool Stored { get; private set; }

    /// <summary>The failure that ended the fill, or null.</summary>
    public RegistryException? Failure => failure;

    /// <summary>True once every byte has arrived and matched the digest.</summary>
    public bool IsVerified => verified;

    /// <summary>The blob's size in bytes, once <see cref="Started"/> has completed.</summary>
    public long Length => Volatile.Read(ref length);

    /// <summary>
    /// How many bytes readers may read: all of them once verified, else those written but the last one, so that a
    /// blob is never handed out whole before its digest is known to match.
    /// </summary>
    public long Available => verified ? Length : Math.Min(Volatile.Read(ref written), Length - 1);

    /// <summary>Completes at the fill's next progress (bytes written, verified, failed); readers take it before reading the state.</summary>
    public Task Progress => Volatile.Read(ref progress).Task;

    /// <summary>Starts the fill in the background with its own lifetime, cancelled by <paramref name="hostStopping"/>.</summary>
    public void Start(CancellationToken hostStopping) =>
        _ = Task.Run(() => RunAsync(hostStopping), CancellationToken.None);

    /// <summary>
    /// Records that a request is about to read this fill: until it has opened its reader or given up
    /// (<see cref="ReleaseInterestAsync"/>), a fill that does not mirror keeps its spool after it ends, so that a
    /// small blob that arrives before its requester opens the spool is not fetched again.
    /// </summary>
    public void AddInterest()
    {
        lock (interestLock)
        {
            interest++;
        }
    }

    /// <summary>
    /// Ends what <see cref="AddInterest"/> began; the last one removes a spool kept for it. Nothing may stay behind:
    /// pass a token that outlives the request (<see cref="CancellationToken.None"/> from a request's cleanup).
    /// </summary>
    public async ValueTask ReleaseInterestAsync(CancellationToken cancellationToken)
    {
        bool discard;
        lock (interestLock)
        {
            interest--;
            discard = keptForInterest && interest == 0;
        }

        if (discard)
        {
            await DiscardSpoolAsync(cancellationToken);
        }
    }

    /// <summary>Links the blob into <paramref name="repository"/> too once it is stored (another repository of the same blob joined).</summary>
    public void AddRepository(string repository) => repositories.TryAdd(repository, true);

    /// <summary>
    /// A reader of the spool from its start, after <see cref="Started"/>; null when the fill is past its spool (the
    /// blob is then in storage, see <see cref="Stored"/>, or the fill failed).
    /// </summary>
    public async Task<BlobFillReader?> OpenReaderAsync(CancellationToken cancellationToken)
    {
        await spoolGate.WaitAsync(cancellationToken);
        try
        {
            if (spoolClosed || spool is null)
            {
                return null;
            }

            var file = new FileStream(spool.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
            return new BlobFillReader(this, file);
        }
        finally
        {
            spoolGate.Release();
        }
    }

    private async Task RunAsync(CancellationToken hostStopping)
    {
        // The fetch and the copy into storage outlive the request that started them (a client that disconnects must
        // not leave the next one without the blob): their own token, bounded by the blob timeout.
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(hostStopping);
        lifetime.CancelAfter(settings.BlobTimeout);
        var token = lifetime.Token;
        RemoteBlob? blob = null;
        var outcome = "failed";
        try
        {
            (blob, var source) = await OpenAsync(token);
            Volatile.Write(ref length, blob.Length ?? expectedSize);
            spool = await BlobSpool.CreateAsync(storage, metadata, Repository, settings.Mirror, settings.SpoolDirectory, timeProvider, token);
            started.TrySetResult(new BlobFillStart(Length, source));
            Log.FillStarted(logger, digest.ToString(), source.ToString(), Length, Repository);

            await CopyAsync(blob, source, token);
            verified = true;
            Signal();
            if (settings.Mirror)
            {
                await PublishSpoolAsync(token);
                foreach (var repository in repositories.Keys)
                {
                    await metadata.LinkBlobAsync(repository, digest, Length, token);
                }

                Stored = true;
                outcome = "stored";
                Log.FillStored(logger, digest.ToString(), Length, string.Join(", ", repositories.Keys));
            }
            else
            {
                outcome = "streamed";
            }
        }
        catch (Exception exception)
        {
            var error = Describe(exception, token, hostStopping);
            outcome = error.Error == ErrorCode.Unavailable ? "unavailable" : "failed";
            if (!verified)
            {
                // Once verified, readers have good bytes to finish with: only storing failed, which a later request retries.
                failure = error;
                started.TrySetException(error);
                Signal();
            }
        }
        finally
        {
            // Its own token: the cleanup must happen however the fill ended.
            await FinishAsync(blob, outcome, CancellationToken.None);
        }
    }

    /// <summary>Releases the remote's response and what the spool left, then reports the end; never throws.</summary>
    private async Task FinishAsync(RemoteBlob? blob, string outcome, CancellationToken cancellationToken)
    {
        try
        {
            if (blob is not null)
            {
                await blob.DisposeAsync();
            }

            if (!published)
            {
                bool keep;
                lock (interestLock)
                {
                    // A verified blob that is not mirrored stays readable for the requests already waiting on it.
                    keep = failure is null && interest > 0;
                    keptForInterest = keep;
                }

                if (!keep)
                {
                    await DiscardSpoolAsync(cancellationToken);
                }
            }
        }
        catch (Exception exception)
        {
            Log.CleanupFailed(logger, digest.ToString(), exception);
        }
        finally
        {
            PullThroughMetrics.Fills.WithLabels(outcome).Inc();
            finished.TrySetResult();
        }
    }

    /// <summary>Opens the blob at the first candidate that has it; the most telling failure when none does.</summary>
    private async Task<(RemoteBlob Blob, RemoteCandidate Source)> OpenAsync(CancellationToken cancellationToken)
    {
        var failures = new List<RegistryException>();
        foreach (var candidate in candidates)
        {
            RemoteBlob? blob = null;
            try
            {
                blob = await remotes.GetClient(candidate.Registry).OpenBlobAsync(candidate.Repository, digest, null, cancellationToken);
                if (expectedSize >= 0 && blob.Length is { } sent && sent != expectedSize)
                {
                    throw new RegistryException(
                        ErrorCode.SizeInvalid,
                        $"registry {candidate.Registry} announced {sent} bytes for blob {digest}, whose manifest says {expectedSize}",
                        new { registry = candidate.Registry, expected = expectedSize, announced = sent });
                }

                if (blob.Length is null && expectedSize < 0)
                {
                    throw new RegistryException(ErrorCode.Unavailable, $"registry {candidate.Registry} did not state the size of blob {digest}", new { registry = candidate.Registry });
                }

                return (blob, candidate);
            }
            catch (Exception exception) when (exception is RegistryException or ArgumentException or InvalidDataException)
            {
                if (blob is not null)
                {
                    await blob.DisposeAsync();
                }

                var error = exception as RegistryException
                    ?? new RegistryException(ErrorCode.Unavailable, $"registry {candidate.Registry} cannot be used: {exception.Message}", new { registry = candidate.Registry });
                failures.Add(error);
                Log.CandidateFailed(logger, digest.ToString(), candidate.ToString(), error.Error.Code, error.Message);
            }
        }

        // A registry that is down or refused tells the client more than the others' "not here".
        return failures.FirstOrDefault(f => f.Error != ErrorCode.BlobUnknown && f.Error != ErrorCode.NameUnknown) is { } telling
            ? throw telling
            : throw new RegistryException(
                ErrorCode.BlobUnknown,
                $"blob {digest} is at none of the remote registries of {Repository}: {string.Join(", ", candidates)}",
                new { digest = digest.ToString(), candidates = candidates.Select(c => c.ToString()).ToArray() });
    }

    /// <summary>
    /// Copies the remote's body into the spool, signalling readers after each chunk; the digest is checked at the end.
    /// Two pooled buffers make a pipeline: one chunk is written to the spool (on the thread pool) while the next is
    /// received and hashed, so a fill costs about the larger of the two rather than their sum.
    /// </summary>
    private async Task CopyAsync(RemoteBlob blob, RemoteCandidate source, CancellationToken cancellationToken)
    {
        if (!blob.IsVerified)
        {
            throw new RegistryException(ErrorCode.Unknown, $"registry {source.Registry} answered a partial blob {digest}");
        }

        // A remote that stops sending mid-blob holds nobody for longer than the stall timeout.
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(ChunkSize), ArrayPool<byte>.Shared.Rent(ChunkSize)];
        var pending = Task.CompletedTask;
        var pendingLength = 0;
        long received = 0;
        try
        {
            for (var index = 0; ; index ^= 1)
            {
                var buffer = buffers[index];
                var filled = 0;
                int read;
                do
                {
                    stall.CancelAfter(settings.StallTimeout);
                    try
                    {
                        read = await blob.Content.ReadAsync(buffer.AsMemory(filled, ChunkSize - filled), stall.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new RegistryException(ErrorCode.Unavailable, $"registry {source.Registry} stopped sending blob {digest}", new { registry = source.Registry });
                    }

                    filled += read;
                }
                while (read > 0 && filled < ChunkSize);

                await pending;
                Advance(pendingLength);
                pendingLength = 0;
                received += filled;
                if (received > Length)
                {
                    throw new DigestMismatchException(digest, null, Length, received);
                }

                if (filled > 0)
                {
                    pending = spool!.WriteAsync(buffer.AsMemory(0, filled), cancellationToken);
                    pendingLength = filled;
                }

                if (read == 0)
                {
                    break;
                }
            }

            await pending;
            Advance(pendingLength);
        }
        finally
        {
            // A failed read leaves the other buffer's write running; it must end before the buffers go back.
            await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }

        if (Volatile.Read(ref written) != Length)
        {
            throw new DigestMismatchException(digest, null, Length, Volatile.Read(ref written));
        }
    }

    /// <summary>Counts <paramref name="count"/> more bytes as written to the spool and wakes the readers.</summary>
    private void Advance(int count)
    {
        if (count > 0)
        {
            Volatile.Write(ref written, Volatile.Read(ref written) + count);
            PullThroughMetrics.UpstreamBytes.Inc(count);
            Signal();
        }
    }

    /// <summary>
    /// Closes the spool to new readers (under the gate, so none opens it while it moves) and publishes it as the blob.
    /// Readers that have it open keep reading.
    /// </summary>
    private async Task PublishSpoolAsync(CancellationToken cancellationToken)
    {
        await spoolGate.WaitAsync(CancellationToken.None);
        try
        {
            spoolClosed = true;
            await spool!.PublishAsync(digest, cancellationToken);
            published = true;
        }
        finally
        {
            spoolGate.Release();
        }
    }

    /// <summary>Closes the spool to new readers and removes what it left; readers that have it open keep reading it. Once.</summary>
    private async Task DiscardSpoolAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref discarded, 1) != 0)
        {
            return;
        }

        await spoolGate.WaitAsync(CancellationToken.None);
        try
        {
            spoolClosed = true;
        }
        finally
        {
            spoolGate.Release();
        }

        try
        {
            if (spool is not null)
            {
                await spool.DiscardAsync(cancellationToken);
            }
        }
        catch (Exception exception)
        {
            Log.CleanupFailed(logger, digest.ToString(), exception);
        }
    }

    private void Signal() => Interlocked.Exchange(ref progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private RegistryException Describe(Exception exception, CancellationToken token, CancellationToken hostStopping)
    {
        switch (exception)
        {
            case RegistryException registry:
                return registry;
            case DigestMismatchException mismatch:
                Log.DigestMismatch(logger, digest.ToString(), Repository, mismatch.Message);
                return mismatch.ToRegistryException();
            case OperationCanceledException when hostStopping.IsCancellationRequested:
                return new RegistryException(ErrorCode.Unavailable, "the registry is shutting down");
            case OperationCanceledException when token.IsCancellationRequested:
                return new RegistryException(ErrorCode.Unavailable, $"blob {digest} did not arrive within {settings.BlobTimeout}", new { digest = digest.ToString() });
            case IOException or HttpRequestException:
                Log.TransferFailed(logger, digest.ToString(), exception.Message);
                return new RegistryException(ErrorCode.Unavailable, $"fetching blob {digest} from its remote registry failed", new { digest = digest.ToString() });
            case StorageException:
                Log.StorageFailed(logger, digest.ToString(), exception);
                return new RegistryException(ErrorCode.Unavailable, "storage is unavailable, retry later");
            default:
                Log.Unexpected(logger, digest.ToString(), exception);
                return new RegistryException(ErrorCode.Unknown);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Pull-through of {Digest} from {Source} ({Size} bytes) for {Repository}")]
        public static partial void FillStarted(ILogger logger, string digest, string source, long size, string repository);

        [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Pull-through of {Digest} stored ({Size} bytes), linked in {Repositories}")]
        public static partial void FillStored(ILogger logger, string digest, long size, string repositories);

        [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Pull-through of {Digest}: candidate {Candidate} failed with {Code}: {Reason}")]
        public static partial void CandidateFailed(ILogger logger, string digest, string candidate, string code, string reason);

        [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "Pull-through of {Digest} for {Repository}: the remote's bytes do not match ({Reason}); nothing was stored")]
        public static partial void DigestMismatch(ILogger logger, string digest, string repository, string reason);

        [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Pull-through of {Digest} broke off: {Reason}")]
        public static partial void TransferFailed(ILogger logger, string digest, string reason);

        [LoggerMessage(EventId = 1605, Level = LogLevel.Error, Message = "Pull-through of {Digest}: storage failed")]
        public static partial void StorageFailed(ILogger logger, string digest, Exception exception);

        [LoggerMessage(EventId = 1606, Level = LogLevel.Error, Message = "Pull-through of {Digest} failed unexpectedly")]
        public static partial void Unexpected(ILogger logger, string digest, Exception exception);

        [LoggerMessage(EventId = 1607, Level = LogLevel.Warning, Message = "Pull-through of {Digest}: cleaning up its upload failed")]
        public static partial void CleanupFailed(ILogger logger, string digest, Exception exception);
    }
}
