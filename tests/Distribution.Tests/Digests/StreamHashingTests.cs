using System.Security.Cryptography;
using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Distribution.Tests.Digests;

public sealed class StreamHashingTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task CopyAndHashAsync_LargerThanBuffer_CopiesEveryByteAndHashes()
    {
        var content = RandomNumberGenerator.GetBytes((StreamHashing.BufferSize * 2) + 12345);
        var destination = new MemoryStream();

        var result = await StreamHashing.CopyAndHashAsync(new MemoryStream(content), destination, null, Ct);

        Assert.Equal(content, destination.ToArray());
        Assert.Equal(content.Length, result.Length);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(content)), result.Digest.ToString());
    }

    [Fact]
    public async Task CopyAndHashAsync_EmptySource_EmptyDigest()
    {
        var result = await StreamHashing.CopyAndHashAsync(new MemoryStream(), Stream.Null, 0, Ct);

        Assert.Equal(0, result.Length);
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", result.Digest.ToString());
    }

    [Fact]
    public async Task CopyAndHashAsync_ExactlyMaxBytes_Succeeds()
    {
        var content = RandomNumberGenerator.GetBytes(4096);
        var destination = new MemoryStream();

        var result = await StreamHashing.CopyAndHashAsync(new MemoryStream(content), destination, content.Length, Ct);

        Assert.Equal(content.Length, result.Length);
        Assert.Equal(content, destination.ToArray());
    }

    [Fact]
    public async Task CopyAndHashAsync_OverMaxBytes_ThrowsAndWritesNoExcess()
    {
        var content = RandomNumberGenerator.GetBytes(StreamHashing.BufferSize + 10);
        var destination = new MemoryStream();
        var limit = StreamHashing.BufferSize + 5L;

        var error = await Assert.ThrowsAsync<ContentTooLargeException>(
            async () => await StreamHashing.CopyAndHashAsync(new MemoryStream(content), destination, limit, Ct));

        Assert.Equal(limit, error.Limit);
        Assert.True(destination.Length <= limit);
    }

    [Fact]
    public async Task CopyAndHashAsync_Sink_ReceivesChunksInOrder()
    {
        var content = RandomNumberGenerator.GetBytes(100_000);
        var received = new MemoryStream();
        var calls = 0;

        var result = await StreamHashing.CopyAndHashAsync(
            new MemoryStream(content),
            (chunk, _) =>
            {
                calls++;
                received.Write(chunk.Span);
                return ValueTask.CompletedTask;
            },
            null,
            Ct);

        Assert.True(calls >= 1);
        Assert.Equal(content, received.ToArray());
        Assert.Equal(DigestHasher.Compute(content), result.Digest);
    }

    [Fact]
    public async Task CopyAndHashAsync_HasherAcrossTwoCalls_HashesTheWhole()
    {
        var content = RandomNumberGenerator.GetBytes(50_000);
        using var hasher = new DigestHasher(Digest.Sha512);
        var received = new MemoryStream();
        ValueTask Sink(ReadOnlyMemory<byte> chunk, CancellationToken ct) => received.WriteAsync(chunk, ct);

        var first = await StreamHashing.CopyAndHashAsync(new MemoryStream(content, 0, 20_000), hasher, Sink, null, Ct);
        var second = await StreamHashing.CopyAndHashAsync(new MemoryStream(content, 20_000, 30_000), hasher, Sink, 30_000, Ct);

        Assert.Equal(20_000, first);
        Assert.Equal(30_000, second);
        Assert.Equal(content, received.ToArray());
        Assert.Equal(DigestHasher.Compute(content, Digest.Sha512), hasher.Current());
    }

    [Fact]
    public async Task CopyAndHashAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await StreamHashing.CopyAndHashAsync(new MemoryStream(new byte[10]), new MemoryStream(), null, cancelled.Token));
    }

    [Fact]
    public async Task CopyAndHashAsync_SinkFails_ExceptionPropagates()
    {
        var error = await Assert.ThrowsAsync<IOException>(async () => await StreamHashing.CopyAndHashAsync(
            new MemoryStream(new byte[10]),
            (_, _) => throw new IOException("disk full"),
            null,
            Ct));

        Assert.Equal("disk full", error.Message);
    }
}
