using System.Security.Cryptography;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.InMemory;
using EdgeRegistry.Origin.Uploads;

namespace EdgeRegistry.Origin.Tests.Uploads;

public sealed class HashingCopierTests
{
    [Fact]
    public async Task CopyAsync_BodyInRaggedReads_StoresAndHashesEveryByteInOrder()
    {
        // More buffers than the pipeline is deep, and reads of odd sizes, as a socket gives them.
        var content = RandomNumberGenerator.GetBytes(((HashingCopier.Depth + 3) * AlignedBuffers.Size) + 4_321);
        var storage = new InMemoryStorageDriver();
        using var hasher = new DigestHasher(Digest.Sha256);
        var reported = new List<int>();

        long copied;
        await using (var writer = await storage.WriterAsync("/upload", append: false, CancellationToken.None))
        {
            copied = await HashingCopier.CopyAsync(new RaggedStream(content), writer, hasher, reported.Add, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(content.Length, copied);
        Assert.Equal(content.Length, reported.Sum());
        Assert.Equal(DigestHasher.Compute(content), hasher.Current());
        Assert.Equal(content, await storage.GetContentAsync("/upload", CancellationToken.None));
    }

    [Fact]
    public async Task CopyAsync_PoolWithNoneToSpare_CopiesWithOneBufferAndReturnsIt()
    {
        var content = RandomNumberGenerator.GetBytes((3 * AlignedBuffers.Size) + 5);
        var pool = new AlignedBuffers(maxOutstanding: 0, maxPooled: 1);
        var storage = new InMemoryStorageDriver();
        using var hasher = new DigestHasher(Digest.Sha256);

        await using (var writer = await storage.WriterAsync("/upload", append: false, CancellationToken.None))
        {
            Assert.Equal(content.Length, await HashingCopier.CopyAsync(new RaggedStream(content), writer, hasher, _ => { }, pool, CancellationToken.None));
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(DigestHasher.Compute(content), hasher.Current());
        Assert.Equal(content, await storage.GetContentAsync("/upload", CancellationToken.None));
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task CopyAsync_LargeBody_TakesNoMoreThanTheDepthAndReturnsAll()
    {
        var content = RandomNumberGenerator.GetBytes((HashingCopier.Depth + 2) * AlignedBuffers.Size);
        var pool = new AlignedBuffers(maxOutstanding: 100, maxPooled: 0);
        var writer = new CountingWriter(pool);

        Assert.Equal(content.Length, await HashingCopier.CopyAsync(new MemoryStream(content), writer, hasher: null, _ => { }, pool, CancellationToken.None));

        Assert.Equal(HashingCopier.Depth, writer.MostOutstanding);
        Assert.Equal(content.Length, writer.Size);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task CopyAsync_NoHasher_StoresEveryByte()
    {
        var content = RandomNumberGenerator.GetBytes(AlignedBuffers.Size + 1);
        var storage = new InMemoryStorageDriver();

        await using (var writer = await storage.WriterAsync("/upload", append: false, CancellationToken.None))
        {
            Assert.Equal(content.Length, await HashingCopier.CopyAsync(new MemoryStream(content), writer, hasher: null, _ => { }, CancellationToken.None));
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(content, await storage.GetContentAsync("/upload", CancellationToken.None));
    }

    [Fact]
    public async Task CopyAsync_EmptyBody_CopiesNothing()
    {
        var storage = new InMemoryStorageDriver();
        using var hasher = new DigestHasher(Digest.Sha256);
        await using var writer = await storage.WriterAsync("/upload", append: false, CancellationToken.None);

        Assert.Equal(0, await HashingCopier.CopyAsync(Stream.Null, writer, hasher, _ => { }, CancellationToken.None));
        Assert.Equal(DigestHasher.Compute([]), hasher.Current());
    }

    [Fact]
    public async Task CopyAsync_WriteFailsMidway_ThrowsTheWriteErrorAndReturnsTheBuffers()
    {
        var content = RandomNumberGenerator.GetBytes(6 * AlignedBuffers.Size);
        var pool = new AlignedBuffers(maxOutstanding: 100, maxPooled: 0);
        using var hasher = new DigestHasher(Digest.Sha256);
        await using var writer = new FailingWriter(failAfterWrites: 2);

        var error = await Assert.ThrowsAsync<IOException>(() => HashingCopier.CopyAsync(new MemoryStream(content), writer, hasher, _ => { }, pool, CancellationToken.None));

        Assert.Equal("No space left on device", error.Message);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task CopyAsync_BodyFailsMidway_ThrowsTheReadError()
    {
        var storage = new InMemoryStorageDriver();
        await using var writer = await storage.WriterAsync("/upload", append: false, CancellationToken.None);

        await Assert.ThrowsAsync<EndOfStreamException>(() => HashingCopier.CopyAsync(new BrokenStream(3 * AlignedBuffers.Size), writer, hasher: null, _ => { }, CancellationToken.None));
    }

    // Hands out the content in reads of 1 to 100,000 bytes.
    private sealed class RaggedStream(byte[] content) : MemoryStream(content)
    {
        private readonly Random sizes = new(42);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, sizes.Next(1, 100_000))], cancellationToken);
    }

    // A client that goes away: some bytes, then an error.
    private sealed class BrokenStream(int length) : Stream
    {
        private int remaining = length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (remaining == 0)
            {
                throw new EndOfStreamException("the client went away");
            }

            var read = Math.Min(count, remaining);
            remaining -= read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    // Keeps what it is given as the size, and the most buffers the pool had out at any write.
    private sealed class CountingWriter(AlignedBuffers pool) : IStorageWriter
    {
        public long Size { get; private set; }

        public int MostOutstanding { get; private set; }

        public async Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Yield();
            MostOutstanding = Math.Max(MostOutstanding, pool.Outstanding);
            Size += buffer.Length;
        }

        public Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CancelAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    // A disk that fills up after a few writes.
    private sealed class FailingWriter(int failAfterWrites) : IStorageWriter
    {
        private int writes;

        public long Size { get; private set; }

        public async Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (++writes > failAfterWrites)
            {
                throw new IOException("No space left on device");
            }

            Size += buffer.Length;
        }

        public Task CommitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CancelAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
