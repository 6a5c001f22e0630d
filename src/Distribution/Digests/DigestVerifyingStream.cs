namespace EdgeRegistry.Distribution.Digests;

/// <summary>
/// A read-only, forward-only pass-through over another stream that hashes every byte read and, when the
/// inner stream ends, compares the digest (and the length, when one is expected) with what was expected.
/// On a mismatch the read that would have reported the end throws <see cref="DigestMismatchException"/>
/// instead, so a consumer never sees a clean end of stream for content that is not the expected content.
/// Reading past an expected length throws at once, without waiting for the end.
/// </summary>
/// <remarks>
/// Bytes already returned before the failure were handed out unverified: a consumer that must not act on
/// bad content (a cache fill, an upload commit) publishes only after this stream has returned 0.
/// </remarks>
public sealed class DigestVerifyingStream : Stream
{
    private readonly Stream inner;
    private readonly DigestHasher hasher;
    private readonly bool leaveOpen;
    private DigestMismatchException? failure;
    private bool disposed;

    /// <param name="inner">The stream to read; it must be readable.</param>
    /// <param name="expected">The digest the content must have; its algorithm picks the hash.</param>
    /// <param name="expectedLength">The exact length the content must have, or null to check the digest only.</param>
    /// <param name="leaveOpen">True to leave <paramref name="inner"/> open when this stream is disposed.</param>
    public DigestVerifyingStream(Stream inner, Digest expected, long? expectedLength = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanRead)
        {
            throw new ArgumentException("the inner stream must be readable", nameof(inner));
        }

        if (expectedLength is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedLength), expectedLength, "the expected length must not be negative");
        }

        this.inner = inner;
        this.leaveOpen = leaveOpen;
        Expected = expected;
        ExpectedLength = expectedLength;
        hasher = new DigestHasher(expected.Algorithm);
    }

    public Digest Expected { get; }

    public long? ExpectedLength { get; }

    /// <summary>Bytes read through this stream so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>True once the end was reached and the digest and length matched.</summary>
    public bool IsVerified { get; private set; }

    public override bool CanRead => !disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        if (!BeforeRead(buffer.Length, out var early))
        {
            return early;
        }

        var read = inner.Read(buffer);
        return AfterRead(buffer[..read]);
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!BeforeRead(buffer.Length, out var early))
        {
            return early;
        }

        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return AfterRead(buffer.Span[..read]);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            hasher.Dispose();
            if (!leaveOpen)
            {
                inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!disposed)
        {
            disposed = true;
            hasher.Dispose();
            if (!leaveOpen)
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>False when the read is answered without touching the inner stream (<paramref name="result"/> holds the answer).</summary>
    private bool BeforeRead(int requested, out int result)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (failure is not null)
        {
            // A consumer that retries after a failure must keep failing, never see a clean end.
            throw failure;
        }

        result = 0;
        // A zero-byte read is not an end of stream: pass nothing, decide nothing. After verification the
        // inner stream is at its end, so answering 0 again is correct.
        return requested != 0 && !IsVerified;
    }

    private int AfterRead(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            Verify();
            return 0;
        }

        BytesRead += data.Length;
        if (BytesRead > ExpectedLength)
        {
            failure = new DigestMismatchException(Expected, null, ExpectedLength, BytesRead);
            throw failure;
        }

        hasher.Append(data);
        return data.Length;
    }

    private void Verify()
    {
        var actual = hasher.Current();
        if ((ExpectedLength is { } length && length != BytesRead) || actual != Expected)
        {
            failure = new DigestMismatchException(Expected, actual, ExpectedLength, BytesRead);
            throw failure;
        }

        IsVerified = true;
    }
}
