namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// One client's view of a fill: reads the spool file from a position as the fill writes it, waiting for bytes that
/// have not arrived. It never yields the blob's last byte before the fill has verified the digest, so a client never
/// receives a whole blob whose bytes do not match; when the fill fails the read throws the fill's
/// <see cref="Distribution.Errors.RegistryException"/> (the response is then aborted).
/// </summary>
internal sealed class BlobFillReader : Stream
{
    private readonly BlobFill fill;
    private readonly FileStream file;
    private long position;

    public BlobFillReader(BlobFill fill, FileStream file)
    {
        this.fill = fill;
        this.file = file;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => fill.Length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (true)
        {
            // The signal is taken before the state is read: progress made in between completes it, so none is missed.
            var progress = fill.Progress;
            if (fill.Failure is { } failure)
            {
                throw failure;
            }

            var available = fill.Available;
            if (position < available)
            {
                file.Position = position;
                var read = await file.ReadAsync(buffer[..(int)Math.Min(buffer.Length, available - position)], cancellationToken);
                if (read > 0)
                {
                    position += read;
                    return read;
                }
            }
            else if (fill.IsVerified && position >= fill.Length)
            {
                return 0;
            }

            await progress.WaitAsync(cancellationToken);
        }
    }

    // Waiting for a remote registry must not block a thread: this stream is read asynchronously only.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read this stream asynchronously");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => fill.Length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        position = target;
        return position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await file.DisposeAsync();
        await base.DisposeAsync();
    }
}
