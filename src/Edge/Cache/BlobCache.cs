using System.Buffers;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Observability;
using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// The node-local blob cache with single-flight fills: for each digest at most one fill from the
/// origin runs, however many clients ask; they all read its growing file. A fill runs on its own
/// token (application stopping, <see cref="CacheOptions.FillTimeout"/>), never a client's, so it
/// completes when the client that started it goes away.
/// </summary>
internal sealed partial class BlobCache(
    CacheIndex index, CacheEvictor evictor, OriginClient origin, EdgeOptions options, EdgeMetrics metrics,
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
    /// Looks <paramref name="digest"/> up. When it is neither cached nor being filled and
    /// <paramref name="startFill"/> holds, starts a fill from <paramref name="repository"/> with
    /// <paramref name="authorization"/> (the caller's Authorization header, or empty).
    /// </summary>
    public CacheLookup Lookup(Digest digest, bool startFill, string repository, string authorization)
    {
        var key = CacheIndex.BlobKey(digest);
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

            if (!startFill)
            {
                return default;
            }

            fill = new BlobFill(digest, key, index.NewTempPath());
            fills.Add(key, fill);
        }

        metrics.FillsInFlight.Inc();
        _ = Task.Run(() => RunFillAsync(fill, repository, authorization));
        return new CacheLookup(null, fill, true);
    }

    private async Task RunFillAsync(BlobFill fill, string repository, string authorization)
    {
        // The fill belongs to no client: it stops only when the edge stops or the fill timeout passes.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        cancellation.CancelAfter(options.Cache.FillTimeout);
        var token = cancellation.Token;
        var succeeded = false;
        try
        {
            using var output = File.OpenHandle(fill.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
            using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url($"/v2/{repository}/blobs/{fill.Digest}"));
            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
            }

            HttpResponseMessage response;
            try
            {
                response = await origin.Fetching.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }
            catch (Exception ex) when (OriginClient.IsUnavailable(ex, CancellationToken.None))
            {
                Log.OriginUnavailable(logger, repository, fill.Digest.ToString(), ex.Message);
                fill.SetStarted(FillStart.Unreachable, null);
                return;
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.PartialContent)
                {
                    fill.SetStarted(await RefusalAsync(response, token), null);
                    return;
                }

                var length = response.Content.Headers.ContentLength;
                fill.SetStarted(FillStart.Ok, length);
                await using var body = await response.Content.ReadAsStreamAsync(token);
                succeeded = await CopyAndVerifyAsync(fill, body, output, length, token);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or UnauthorizedAccessException)
        {
            Log.FillFailed(logger, repository, fill.Digest.ToString(), ex.Message);
        }
        finally
        {
            Finish(fill, succeeded);
        }
    }

    private async Task<bool> CopyAndVerifyAsync(BlobFill fill, Stream body, Microsoft.Win32.SafeHandles.SafeFileHandle output, long? length, CancellationToken token)
    {
        using var hasher = new DigestHasher(fill.Digest.Algorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long position = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, token)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
                await RandomAccess.WriteAsync(output, buffer.AsMemory(0, read), position, token);
                position += read;
                metrics.BytesFromOrigin.Inc(read);
                fill.Advance(read);
                if (position > length)
                {
                    break;
                }
            }

            var actual = hasher.Current();
            if (length is { } expected && position != expected)
            {
                Log.FillMismatch(logger, fill.Digest.ToString(), $"{position} bytes where Content-Length said {expected}");
                return false;
            }

            if (actual != fill.Digest)
            {
                Log.FillMismatch(logger, fill.Digest.ToString(), $"content hashes to {actual}");
                return false;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
                    Log.FillFailed(logger, "", fill.Digest.ToString(), ex.Message);
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

    private static async Task<FillStart> RefusalAsync(HttpResponseMessage response, CancellationToken token)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("Transfer-Encoding" or "Connection" or "Content-Length" or "Keep-Alive"))
            .Select(h => KeyValuePair.Create(h.Key, h.Value.ToArray()))
            .ToArray();
        await using var body = await response.Content.ReadAsStreamAsync(token);
        var buffer = new byte[MaxRefusalBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(total), token)) > 0)
        {
            total += read;
        }

        return new FillStart(false, response.StatusCode, headers, buffer[..total]);
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
        [LoggerMessage(EventId = 4320, Level = LogLevel.Warning, Message = "Fill of {Repository}@{Digest} failed: {Reason}")]
        public static partial void FillFailed(ILogger logger, string repository, string digest, string reason);

        [LoggerMessage(EventId = 4321, Level = LogLevel.Error, Message = "Origin sent wrong bytes for {Digest}: {Reason}; nothing cached")]
        public static partial void FillMismatch(ILogger logger, string digest, string reason);

        [LoggerMessage(EventId = 4322, Level = LogLevel.Warning, Message = "Origin unavailable for the fill of {Repository}@{Digest}: {Reason}")]
        public static partial void OriginUnavailable(ILogger logger, string repository, string digest, string reason);
    }
}
