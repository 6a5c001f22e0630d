using System.Collections.Concurrent;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Blobs;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// Pull-through on the origin (seed 3.5.4.5.3): a blob a repository's imported manifests reference is served from
/// local storage when its bytes are there, else fetched from the remote candidates of the image stream status
/// (<see cref="RemoteCandidates"/>) by one <see cref="BlobFill"/> per digest at a time: concurrent clients, of this
/// repository or another, share that fetch and read its bytes as they arrive; with mirroring on, the blob is stored
/// once and linked, and later requests are answered from storage like any pushed blob.
/// </summary>
internal sealed class BlobPullThrough(
    IMetadataStore metadata,
    IStorageDriver storage,
    BlobSender sender,
    RemoteCandidates candidates,
    RemoteRegistryClientFactory remotes,
    PullThroughSettings settings,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<BlobPullThrough> logger) : IBlobPullThrough
{
    // A fill that ends without storing the blob (mirroring off) is followed by a new one; this bounds the rounds.
    private const int MaxRounds = 3;

    private readonly ConcurrentDictionary<Digest, BlobFill> fills = new();
    private readonly Lock sync = new();

    /// <summary>The fills running now (for tests and metrics): one per digest at most.</summary>
    public int ActiveFills => fills.Count;

    public async Task<bool> TryServeAsync(HttpContext context, string repository, Digest digest, CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return false;
        }

        var size = await candidates.GetRemoteBlobSizeAsync(repository, digest, cancellationToken);
        if (size is null)
        {
            return false;
        }

        for (var round = 1; ; round++)
        {
            if (await StoredSizeAsync(digest, cancellationToken) is { } stored && (size < 0 || stored == size))
            {
                // The bytes are here (mirrored through this or another repository, or pushed): served as a local blob,
                // and linked unless this process keeps nothing (mirroring off, read-only).
                if (settings.Mirror)
                {
                    await metadata.LinkBlobAsync(repository, digest, stored, cancellationToken);
                }

                await sender.SendAsync(context, digest, stored, cancellationToken);
                return true;
            }

            if (HttpMethods.IsHead(context.Request.Method) && size >= 0)
            {
                // The manifest states the size: a HEAD is answered without asking the remote.
                await sender.SendAsync(context, digest, size.Value, cancellationToken);
                return true;
            }

            var list = await candidates.GetAsync(repository, cancellationToken);
            if (list.Count == 0)
            {
                throw new RegistryException(
                    ErrorCode.BlobUnknown,
                    $"blob {digest} of {repository} is at a remote registry, but its image stream names none",
                    new { digest = digest.ToString() });
            }

            var fill = GetOrStart(repository, digest, size.Value, list);
            BlobFillStart? start = null;
            BlobFillReader? reader = null;
            RegistryException? notStarted = null;
            try
            {
                start = await fill.Started.WaitAsync(cancellationToken);
                fill.AddRepository(repository);
                reader = await fill.OpenReaderAsync(cancellationToken);
            }
            catch (RegistryException exception)
            {
                notStarted = exception;
            }
            finally
            {
                // Not the request's token: a spool kept for this request is removed even when its client went away.
                await fill.ReleaseInterestAsync(CancellationToken.None);
            }

            if (notStarted is not null)
            {
                if (round < MaxRounds && await CandidatesChangedAsync(repository, list, cancellationToken))
                {
                    // An import changed the candidates since they were cached: try the current ones.
                    continue;
                }

                throw notStarted;
            }

            if (reader is null)
            {
                // The fill is past its spool: once it ends the blob is in storage, or it failed, or it did not mirror.
                await fill.Finished.WaitAsync(cancellationToken);
                if (fill.Failure is { } failure)
                {
                    throw failure;
                }

                if (round < MaxRounds)
                {
                    continue;
                }

                throw new RegistryException(ErrorCode.Unavailable, $"blob {digest} could not be fetched, retry later", new { digest = digest.ToString() });
            }

            await using (reader)
            {
                await sender.SendAsync(
                    context,
                    digest,
                    start!.Length,
                    (offset, _) =>
                    {
                        reader.Seek(offset, SeekOrigin.Begin);
                        return ValueTask.FromResult<Stream>(reader);
                    },
                    cancellationToken);
            }

            return true;
        }
    }

    /// <summary>Forgets the cached candidates of <paramref name="repository"/>; true when the store now names others.</summary>
    private async Task<bool> CandidatesChangedAsync(string repository, IReadOnlyList<RemoteCandidate> tried, CancellationToken cancellationToken)
    {
        candidates.Invalidate(repository);
        return !(await candidates.GetAsync(repository, cancellationToken)).SequenceEqual(tried);
    }

    /// <summary>The running fill of <paramref name="digest"/>, or a new one started for <paramref name="repository"/>.</summary>
    private BlobFill GetOrStart(string repository, Digest digest, long size, IReadOnlyList<RemoteCandidate> list)
    {
        lock (sync)
        {
            if (fills.TryGetValue(digest, out var running) && !running.Finished.IsCompleted)
            {
                PullThroughMetrics.SharedRequests.Inc();
                running.AddInterest();
                return running;
            }

            var fill = new BlobFill(digest, size, repository, list, remotes, storage, metadata, settings, timeProvider, logger);
            fill.AddInterest();
            fills[digest] = fill;
            _ = fill.Finished.ContinueWith(
                _ =>
                {
                    lock (sync)
                    {
                        fills.TryRemove(new KeyValuePair<Digest, BlobFill>(digest, fill));
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            fill.Start(lifetime.ApplicationStopping);
            return fill;
        }
    }

    private async Task<long?> StoredSizeAsync(Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.StatAsync(StoragePaths.BlobData(digest), cancellationToken)).Size;
        }
        catch (StoragePathNotFoundException)
        {
            return null;
        }
    }
}
