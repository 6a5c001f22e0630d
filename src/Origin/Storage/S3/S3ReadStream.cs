using Amazon.S3.Model;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>
/// The body of a GetObject, read forward only. When the connection breaks mid-body, the read resumes with
/// a ranged GET from the byte it stopped at, pinned to the object's ETag so that the bytes come from the
/// same object version (a changed object fails the read instead of mixing two versions); after
/// <see cref="S3ResilienceOptions.MaxReadResumptions"/> breaks the error surfaces.
/// </summary>
internal sealed class S3ReadStream : Stream
{
    private readonly S3StorageDriver driver;
    private readonly string key;
    private readonly string? etag;
    private readonly long length;
    private GetObjectResponse response;
    private long position;
    private int resumptions;

    public S3ReadStream(S3StorageDriver driver, string key, GetObjectResponse response, long offset)
    {
        this.driver = driver;
        this.key = key;
        this.response = response;
        etag = response.ETag;
        position = offset;
        length = offset + response.ContentLength;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>The object's size (the offset the stream started at plus the bytes of the body).</summary>
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                var read = await response.ResponseStream.ReadAsync(destination, cancellationToken);
                if (read == 0 && position < length && !destination.IsEmpty)
                {
                    throw new IOException($"the body of {key} ended {length - position} bytes early");
                }

                position += read;
                return read;
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException
                && !cancellationToken.IsCancellationRequested && resumptions < driver.Resilience.MaxReadResumptions)
            {
                resumptions++;
                response.Dispose();
                try
                {
                    // The pipeline retries the reopening itself.
                    response = await driver.GetObjectAsync(key, position, etag, cancellationToken);
                }
                catch (Amazon.S3.AmazonS3Exception changed)
                {
                    throw new IOException($"{key} changed or vanished while it was read", changed);
                }
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        var read = response.ResponseStream.Read(destination);
        position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            response.Dispose();
        }

        base.Dispose(disposing);
    }
}
