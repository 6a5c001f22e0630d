using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// One fill of one digest from the origin: the bytes go to a temporary file while being hashed; any
/// number of clients read the file as it grows (<see cref="OpenReader"/>, <see cref="WaitForAsync"/>);
/// the file is published only when the digest matches. Until then the last byte is held back from
/// readers, so a client never receives a whole body that turns out wrong.
/// </summary>
internal sealed class BlobFill
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource<FillStart> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long written;
    private int state; // 0 running, 1 succeeded, 2 failed
    private int readers;
    private CacheEntry? committed;
    private CacheIndex? index;

    public BlobFill(Digest digest, string key, string tempPath)
    {
        Digest = digest;
        Key = key;
        TempPath = tempPath;
    }

    public Digest Digest { get; }

    public string Key { get; }

    public string TempPath { get; }

    /// <summary>Length announced by the origin (Content-Length), when it announced one.</summary>
    public long? Length { get; private set; }

    /// <summary>Completes when the origin's response headers are known.</summary>
    public Task<FillStart> Started => started.Task;

    public bool Succeeded => Volatile.Read(ref state) == 1;

    public bool Failed => Volatile.Read(ref state) == 2;

    public long Written => Volatile.Read(ref written);

    /// <summary>Opens a read handle on the growing file; null when the fill has already ended (the caller looks in the cache again).</summary>
    public FillReader? OpenReader()
    {
        lock (gate)
        {
            if (state != 0)
            {
                return null;
            }

            var handle = File.OpenHandle(TempPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            readers++;
            return new FillReader(this, handle);
        }
    }

    /// <summary>
    /// Waits until bytes beyond <paramref name="position"/> may be read, and returns how many bytes from the
    /// start may be read now; a value not above <paramref name="position"/> means the blob ended there.
    /// Throws <see cref="BlobFillFailedException"/> when the fill failed.
    /// </summary>
    public async ValueTask<long> WaitForAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before reading the state, so an advance between the two is not missed.
            var signal = Volatile.Read(ref progress);
            var current = Volatile.Read(ref state);
            if (current == 2)
            {
                throw new BlobFillFailedException($"the fill of {Digest} failed");
            }

            var readable = current == 1 ? Written : Math.Max(0, Written - 1);
            if (readable > position || current == 1)
            {
                return readable;
            }

            await signal.Task.WaitAsync(cancellationToken);
        }
    }

    internal void SetStarted(FillStart start, long? length)
    {
        Length = length;
        started.TrySetResult(start);
    }

    internal void Advance(long bytes)
    {
        Volatile.Write(ref written, Written + bytes);
        Signal();
    }

    /// <summary>Publishes the verified file in <paramref name="cacheIndex"/>; the readers' leases move to the cache entry.</summary>
    internal void Commit(CacheIndex cacheIndex)
    {
        lock (gate)
        {
            committed = cacheIndex.Commit(Key, TempPath, Written, readers);
            index = cacheIndex;
            Volatile.Write(ref state, 1);
        }

        Signal();
    }

    internal void Fail()
    {
        lock (gate)
        {
            Volatile.Write(ref state, 2);
        }

        started.TrySetResult(FillStart.Unreachable);
        Signal();
    }

    internal void ReleaseReader()
    {
        lock (gate)
        {
            readers--;
            if (committed is not null)
            {
                index!.Release(committed);
            }
        }
    }

    private void Signal() =>
        Interlocked.Exchange(ref progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
