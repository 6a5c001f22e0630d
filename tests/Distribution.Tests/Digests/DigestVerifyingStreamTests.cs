using System.Security.Cryptography;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Tests.Digests;

public sealed class DigestVerifyingStreamTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task CopyToAsync_MatchingContent_PassesBytesAndVerifies()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        await using var stream = new DigestVerifyingStream(new MemoryStream(content), DigestHasher.Compute(content), content.Length);
        var copy = new MemoryStream();

        await stream.CopyToAsync(copy, Ct);

        Assert.Equal(content, copy.ToArray());
        Assert.True(stream.IsVerified);
        Assert.Equal(content.Length, stream.BytesRead);
        Assert.Equal(0, await stream.ReadAsync(new byte[10], Ct));
    }

    [Fact]
    public void Read_SyncWithoutExpectedLength_Verifies()
    {
        var content = RandomNumberGenerator.GetBytes(5000);
        using var stream = new DigestVerifyingStream(new MemoryStream(content), DigestHasher.Compute(content));
        var copy = new MemoryStream();

        stream.CopyTo(copy, 1000);

        Assert.Equal(content, copy.ToArray());
        Assert.True(stream.IsVerified);
    }

    [Fact]
    public async Task ReadAsync_Sha512Expected_Verifies()
    {
        var content = RandomNumberGenerator.GetBytes(5000);
        await using var stream = new DigestVerifyingStream(new MemoryStream(content), DigestHasher.Compute(content, Digest.Sha512), content.Length);

        await stream.CopyToAsync(Stream.Null, Ct);

        Assert.True(stream.IsVerified);
    }

    [Fact]
    public async Task ReadAsync_OneByteAtATime_Verifies()
    {
        var content = RandomNumberGenerator.GetBytes(777);
        await using var stream = new DigestVerifyingStream(new TricklingStream(content), DigestHasher.Compute(content), content.Length);
        var copy = new MemoryStream();

        await stream.CopyToAsync(copy, Ct);

        Assert.Equal(content, copy.ToArray());
        Assert.True(stream.IsVerified);
    }

    [Fact]
    public async Task ReadAsync_DifferentContent_ThrowsAtEndWithBothDigests()
    {
        var expectedContent = RandomNumberGenerator.GetBytes(4096);
        var servedContent = (byte[])expectedContent.Clone();
        servedContent[2000] ^= 0xFF;
        var expected = DigestHasher.Compute(expectedContent);
        await using var stream = new DigestVerifyingStream(new MemoryStream(servedContent), expected, servedContent.Length);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null, Ct));

        Assert.Equal(expected, error.Expected);
        Assert.Equal(DigestHasher.Compute(servedContent), error.Actual);
        Assert.False(error.IsLengthMismatch);
        Assert.False(stream.IsVerified);
        Assert.Equal(ErrorCode.DigestInvalid, error.ToRegistryException().Error);
    }

    [Fact]
    public async Task ReadAsync_ShorterThanExpectedLength_ThrowsSizeMismatch()
    {
        var content = RandomNumberGenerator.GetBytes(1000);
        await using var stream = new DigestVerifyingStream(new MemoryStream(content, 0, 900), DigestHasher.Compute(content), content.Length);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null, Ct));

        Assert.True(error.IsLengthMismatch);
        Assert.Equal(1000, error.ExpectedLength);
        Assert.Equal(900, error.ActualLength);
        Assert.Equal(ErrorCode.SizeInvalid, error.ToRegistryException().Error);
    }

    [Fact]
    public async Task ReadAsync_LongerThanExpectedLength_ThrowsBeforeReturningExcess()
    {
        var content = RandomNumberGenerator.GetBytes(1000);
        // The digest is right for the whole content; only the announced length is wrong.
        await using var stream = new DigestVerifyingStream(new MemoryStream(content), DigestHasher.Compute(content), 600);
        var buffer = new byte[500];

        Assert.Equal(500, await stream.ReadAsync(buffer, Ct));
        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.ReadAsync(buffer, Ct).AsTask());

        Assert.Null(error.Actual);
        Assert.True(error.IsLengthMismatch);
        Assert.Equal(1000, error.ActualLength);
    }

    [Fact]
    public async Task ReadAsync_AfterMismatch_KeepsThrowing()
    {
        var content = RandomNumberGenerator.GetBytes(100);
        var other = DigestHasher.Compute("other"u8);
        await using var stream = new DigestVerifyingStream(new MemoryStream(content), other);
        var buffer = new byte[1000];

        Assert.Equal(100, await stream.ReadAsync(buffer, Ct));
        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.ReadAsync(buffer, Ct).AsTask());
        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.ReadAsync(buffer, Ct).AsTask());
        Assert.Throws<DigestMismatchException>(() => stream.Read(buffer));
    }

    [Fact]
    public async Task ReadAsync_ZeroLengthBuffer_DoesNotDecideTheEnd()
    {
        var content = RandomNumberGenerator.GetBytes(100);
        await using var stream = new DigestVerifyingStream(new MemoryStream(content), DigestHasher.Compute(content), content.Length);

        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty, Ct));
        Assert.False(stream.IsVerified);

        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(content, copy.ToArray());
        Assert.True(stream.IsVerified);
    }

    [Fact]
    public async Task ReadAsync_EmptyContentWithEmptyDigest_Verifies()
    {
        await using var stream = new DigestVerifyingStream(new MemoryStream(), DigestHasher.Compute([]), 0);

        Assert.Equal(0, await stream.ReadAsync(new byte[16], Ct));
        Assert.True(stream.IsVerified);
    }

    [Fact]
    public void Dispose_LeaveOpenFalse_DisposesInner()
    {
        var inner = new MemoryStream([1, 2, 3]);
        var stream = new DigestVerifyingStream(inner, DigestHasher.Compute([1, 2, 3]));

        stream.Dispose();

        Assert.False(inner.CanRead);
        Assert.Throws<ObjectDisposedException>(() => stream.Read(new byte[3]));
    }

    [Fact]
    public void Dispose_LeaveOpenTrue_KeepsInnerOpen()
    {
        var inner = new MemoryStream([1, 2, 3]);
        var stream = new DigestVerifyingStream(inner, DigestHasher.Compute([1, 2, 3]), leaveOpen: true);

        stream.Dispose();

        Assert.True(inner.CanRead);
    }

    [Fact]
    public void Capabilities_ReadOnlyForwardOnly()
    {
        using var stream = new DigestVerifyingStream(new MemoryStream([1]), DigestHasher.Compute([1]));

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
    }

    /// <summary>Returns at most one byte per read, like a slow network.</summary>
    private sealed class TricklingStream(byte[] content) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0 || position == content.Length)
            {
                return 0;
            }

            buffer[0] = content[position++];
            return 1;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
