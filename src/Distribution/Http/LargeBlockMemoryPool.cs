using System.Buffers;
using System.Collections.Concurrent;

namespace EdgeRegistry.Distribution.Http;

/// <summary>
/// Kestrel's connection memory pool with blocks of <see cref="BlockSize"/> bytes instead of Kestrel's 4 KiB.
/// The socket transport receives into one pool block at a time, so with 4 KiB blocks a 1 GiB push costs a
/// quarter of a million <c>recv</c> calls, each with its own wake-up of the request; with large blocks it
/// costs a few thousand. Blocks live on the pinned heap (sockets pin what they receive into) and are
/// reused; at most <see cref="MaxRetained"/> free blocks are kept, the rest go back to the collector.
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The length of every block, in bytes.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Free blocks kept for reuse; more are left to the collector (a burst does not pin memory for good).</summary>
    public const int MaxRetained = 256;

    private readonly ConcurrentQueue<byte[]> free = new();
    private volatile bool disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>A block of <see cref="BlockSize"/> bytes whatever <paramref name="minBufferSize"/> asks (up to that size).</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(disposed, this);
        return new Block(this, free.TryDequeue(out var array) ? array : GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    protected override void Dispose(bool disposing)
    {
        disposed = true;
        free.Clear();
    }

    private void Return(byte[] array)
    {
        if (!disposed && free.Count < MaxRetained)
        {
            free.Enqueue(array);
        }
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? array = array;

        public Memory<byte> Memory => array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref array, null) is { } returned)
            {
                pool.Return(returned);
            }
        }
    }
}
