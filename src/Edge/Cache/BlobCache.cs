using System.Buffers;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Observability;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// The node-local blob cache with single-flight fills: for each digest at most one fill runs, from
/// whichever <see cref="BlobSource"/> the request that started it chose (the origin, a remote registry),
/// however many clients ask; they all read its growing file. A fill runs on its own
/// token (application stopping, <see cref="CacheOptions.FillTimeout"/>), never a client's, so it
/// completes when the client that started it goes away.
/// </summary>
internal sealed partial class BlobCache(
    CacheIndex index, CacheEvictor evictor, EdgeOptions options, EdgeMetrics metrics,
    IHostApplicationLifetime lifetime, ILogger<BlobCache> logger)
{
    private const int CopyBufferSize = 128 * 1024;
    private const int MaxRefusalBody = 64 * 1024;

    private readonly Lock gate = new();
    private readonly Dictionary<string, BlobFill> fills = new(StringComparer.Ordinal);

    /// <summary>Fills running now.</summary>
    public int FillsInFlight
    {
        get
        {
            lock (gate)
            {
                return fills.Count;
            }
        }
    }

    /// <summary>
    /// Looks <paramref name="digest"/> up in <paramref name="space"/>. When it is neither cached nor being filled
    /// and <paramref name="source"/> is given, starts a fill from it.
    /// </summary>
    public CacheLookup Lookup(Digest digest, CacheSpace space, BlobSource? source)
    {
        var key = CacheIndex.BlobKey(digest, space);
        BlobFill fill;
        lock (gate)
        {
            if (index.TryLease(key, out var lease))
            {
                return new CacheLookup(lease, null, false);
            }

            if (fills.TryGetValue(key, out var running))
            {
                return new CacheLookup(null, running, false);
            }

            if (source is null)
            {
                return default;
            }

            fill = new BlobFill(digest, key, index.NewTempPath());
            fills.Add(key, fill);
        }

        metrics.FillsInFlight.Inc();
        _ = Task.Run(() => RunFillAsync(fill, source));
        return new CacheLookup(null, fill, true);
    }

    private async Task RunFillAsync(BlobFill fill, BlobSource source)
    {
        // The fill belongs to no client: it stops only when the edge stops or the fill timeout passes.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        cancellation.CancelAfter(options.Cache.FillTimeout);
        var token = cancellation.Token;
        var succeeded = false;
        try
        {
            await using var answer = await source.OpenAsync(fill.Digest, token);
            if (!answer.Start.Streaming)
            {
                fill.SetStarted(answer.Start, null);
                return;
            }

            // The announced length is allocated at once: no block allocation while the bytes arrive, and a full disk
            // fails the fill before any byte is fetched.
            using var output = File.OpenHandle(
                fill.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous, answer.Length ?? 0);
            fill.SetStarted(FillStart.Ok, answer.Length);
            succeeded = await CopyAndVerifyAsync(fill, answer, source.Description, output, token);
        }
        catch (DigestMismatchException ex)
        {
            Log.FillMismatch(logger, source.Description, fill.Digest.ToString(), ex.Message);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or UnauthorizedAccessException)
        {
            Log.FillFailed(logger, fill.Digest.ToString(), source.Description, ex.Message);
        }
        finally
        {
            Finish(fill, succeeded);
        }
    }

    /// <summary>
    /// Copies the source's body into the fill's file, hashing it (unless the source's stream verifies itself) and
    /// announcing each chunk to the readers. Double-buffered: the next receive runs while a chunk is hashed and written.
    /// </summary>
    private async Task<bool> CopyAndVerifyAsync(BlobFill fill, BlobSourceAnswer answer, string source, Microsoft.Win32.SafeHandles.SafeFileHandle output, CancellationToken token)
    {
        var body = answer.Body!;
        var length = answer.Length;

        // A source whose stream checks the digest (a remote blob) throws at its end when the bytes are wrong.
        using var hasher = answer.VerifiesDigest ? null : new DigestHasher(fill.Digest.Algorithm);
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(CopyBufferSize), ArrayPool<byte>.Shared.Rent(CopyBufferSize)];
        Task<int>? pending = null;
        try
        {
            long position = 0;
            var current = 0;
            pending = body.ReadAsync(buffers[current], token).AsTask();
            while (true)
            {
                var read = await pending;
                pending = null;
                if (read == 0)
                {
                    break;
                }

                var chunk = buffers[current].AsMemory(0, read);
                current ^= 1;
                if (length is not { } announced || position + read <= announced)
                {
                    pending = body.ReadAsync(buffers[current], token).AsTask();
                }

                hasher?.Append(chunk.Span);
                await RandomAccess.WriteAsync(output, chunk, position, token);
                position += read;
                answer.Fetched?.Inc(read);
                fill.Advance(read);
                if (pending is null)
                {
                    // More than the announced length arrived: the check below fails the fill.
                    break;
                }
            }

            if (length is { } expected && position != expected)
            {
                Log.FillMismatch(logger, source, fill.Digest.ToString(), $"{position} bytes where Content-Length said {expected}");
                return false;
            }

            if (hasher?.Current() is { } actual && actual != fill.Digest)
            {
                Log.FillMismatch(logger, source, fill.Digest.ToString(), $"content hashes to {actual}");
                return false;
            }

            return true;
        }
        finally
        {
            if (pending is not null)
            {
                // The buffer goes back to the pool only once nothing can write into it any more.
                await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }
    }

    private void Finish(BlobFill fill, bool succeeded)
    {
        var committed = false;
        lock (gate)
        {
            if (succeeded)
            {
                try
                {
                    fill.Commit(index);
                    committed = true;
                }
                catch (IOException ex)
                {
                    Log.FillFailed(logger, fill.Digest.ToString(), "the cache directory", ex.Message);
                }
            }

            if (!committed)
            {
                fill.Fail();
                TryDelete(fill.TempPath);
            }

            fills.Remove(fill.Key);
        }

        metrics.FillsInFlight.Dec();
        metrics.Fills.WithLabels(committed ? "succeeded" : "failed").Inc();
        if (committed)
        {
            evictor.EvictIfNeeded();
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
            // A leftover temp file is removed at the next start.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4320, Level = LogLevel.Warning, Message = "Fill of {Digest} from {Source} failed: {Reason}")]
        public static partial void FillFailed(ILogger logger, string digest, string source, string reason);

        [LoggerMessage(EventId = 4321, Level = LogLevel.Error, Message = "{Source} sent wrong bytes for {Digest}: {Reason}; nothing cached")]
        public static partial void FillMismatch(ILogger logger, string source, string digest, string reason);
    }
}
