using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using EdgeRegistry.Origin.Configuration;
using Polly;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>
/// Stores files as objects of one S3 bucket (AWS or any S3-compatible store), after CNCF distribution's
/// s3-aws driver. The driver path <c>/a/b</c> is the key <c>&lt;rootdirectory&gt;/a/b</c> (no leading slash),
/// so a registry:2 bucket can be used in place; directories are key prefixes.
/// <para>
/// Writers upload with multipart uploads in parts of <c>chunksize</c> bytes, holding at most one part in
/// memory. A writer that ends without committing (a PATCH that ended) leaves the file <em>partial</em>: its
/// open multipart upload and the tail of bytes too short to be a part yet are recorded in a sibling object
/// <c>.partial.&lt;name&gt;</c> (see <see cref="S3PartialFile"/>), from which the next appending writer, in
/// this process or another replica, continues. A partial file is stat-ed, listed and walked with its size,
/// but cannot be read, moved or fetched before a writer commits it; its key appears only at commit (a
/// completed multipart upload or one PUT). Where a committed object and a partial record of one path both
/// exist (a crash between the two steps of a commit), the committed object is the file.
/// </para>
/// <para>
/// <see cref="MoveAsync"/> is a server-side copy (one CopyObject, or a multipart copy above 5 GiB) then a
/// delete, so the destination appears whole or not at all. Every S3 call goes through one Polly pipeline
/// (retries with jitter on 5xx, throttling and connection errors; a timeout per attempt); when it gives
/// up, the failure is logged with the operation and the key and surfaces as
/// <see cref="StorageUnavailableException"/>, which the API answers with 503.
/// </para>
/// Paths with a component starting with <c>.partial.</c> are invalid for this driver.
/// </summary>
internal sealed partial class S3StorageDriver : IStorageDriver
{
    /// <summary>S3's smallest part, except the last of an upload.</summary>
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>The largest <c>chunksize</c>: a writer holds one chunk in a pooled array.</summary>
    public const int MaximumChunkSize = 1024 * 1024 * 1024;

    /// <summary>S3's most parts in one multipart upload.</summary>
    public const int MaximumParts = 10_000;

    /// <summary>The largest object one CopyObject copies; larger ones are copied part by part.</summary>
    public const long MaximumSingleCopySize = 5L * 1024 * 1024 * 1024;

    internal const string PartialPrefix = ".partial.";

    // Sorts after any key our paths make below a prefix (U+10FFFF is the largest code point), so that
    // "start-after <prefix>/<this>" skips the whole prefix.
    private const string AfterEveryKey = "\U0010FFFF";

    // Parts of a multipart copy: large enough to stay far below 10,000 parts for any object S3 allows.
    private const long CopyPartSize = 1L * 1024 * 1024 * 1024;

    private readonly IAmazonS3 client;
    private readonly ResiliencePipeline pipeline;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly string prefix;
    private readonly ServerSideEncryptionMethod? encryption;
    private readonly string? kmsKeyId;
    private readonly Protocol presignProtocol;

    public S3StorageDriver(IAmazonS3 client, S3StorageOptions options, S3ResilienceOptions resilience, TimeProvider timeProvider, ILogger<S3StorageDriver> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkSize is < MinimumPartSize or > MaximumChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSize, "storage.s3.chunksize must be between 5 MiB and 1 GiB");
        }

        this.client = client;
        this.timeProvider = timeProvider;
        this.logger = logger;
        pipeline = S3Resilience.Build(resilience, timeProvider, logger);
        Resilience = resilience;
        Bucket = options.Bucket;
        ChunkSize = (int)options.ChunkSize;
        var root = options.RootDirectory.Trim('/');
        prefix = root.Length == 0 ? string.Empty : root + "/";
        if (options.Encrypt)
        {
            encryption = options.KeyId is null ? ServerSideEncryptionMethod.AES256 : ServerSideEncryptionMethod.AWSKMS;
            kmsKeyId = options.KeyId;
        }

        presignProtocol = options.RegionEndpoint is { } endpoint
            ? endpoint.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS
            : options.Secure ? Protocol.HTTPS : Protocol.HTTP;
        if (!options.V4Auth)
        {
            Log.SignatureV2Unsupported(logger);
        }
    }

    public string Name => "s3";

    /// <summary>The bucket holding every object.</summary>
    public string Bucket { get; }

    /// <summary>The multipart part size in bytes (<c>chunksize</c>), and the most a writer holds in memory.</summary>
    public int ChunkSize { get; }

    /// <summary>How long a URL from <see cref="RedirectUrlAsync"/> stays valid (distribution's 20 minutes).</summary>
    public TimeSpan RedirectExpiry { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>Keys asked for per listing request (S3's maximum is 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    internal S3ResilienceOptions Resilience { get; }

    public async Task<byte[]> GetContentAsync(string path, CancellationToken cancellationToken)
    {
        var key = FileKey(path);
        try
        {
            // The whole read is one attempt: a body that breaks half-way is fetched again.
            return await ExecuteAsync("GetObject", key, async token =>
            {
                using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key }, token);
                using var content = new MemoryStream((int)Math.Clamp(response.ContentLength, 0, Array.MaxLength));
                await response.ResponseStream.CopyToAsync(content, token);
                return content.Length == content.Capacity ? content.GetBuffer() : content.ToArray();
            }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (IsNotFound(exception))
        {
            throw new StoragePathNotFoundException(path);
        }
    }

    public async Task PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var key = FileKey(path);
        await PutObjectAsync(key, content, metadata: null, cancellationToken);
    }

    public async Task<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken)
    {
        var key = FileKey(path);
        if (offset < 0)
        {
            // Missing wins over a bad offset, as with the other drivers.
            await HeadAsync(path, key, cancellationToken);
            throw new InvalidStorageOffsetException(path, offset);
        }

        try
        {
            var response = await GetObjectAsync(key, offset, etag: null, cancellationToken);
            return new S3ReadStream(this, key, response, offset);
        }
        catch (AmazonS3Exception exception) when (IsNotFound(exception))
        {
            throw new StoragePathNotFoundException(path);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // S3 refuses a range starting at the end; that offset is valid and reads nothing.
            var size = (await HeadAsync(path, key, cancellationToken)).ContentLength;
            return offset == size ? Stream.Null : throw new InvalidStorageOffsetException(path, offset);
        }
    }

    public async Task<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken)
    {
        var key = FileKey(path);
        var partialKey = PartialKey(path);
        if (!append)
        {
            return S3StorageWriter.Create(this, path, key, partialKey);
        }

        if (await TryHeadAsync(key, cancellationToken) is { } committed)
        {
            return S3StorageWriter.AppendToCommitted(this, path, key, partialKey, committed.ContentLength);
        }

        byte[] content;
        try
        {
            content = await ExecuteAsync("GetObject", partialKey, async token =>
            {
                using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = partialKey }, token);
                using var copy = new MemoryStream((int)Math.Clamp(response.ContentLength, 0, Array.MaxLength));
                await response.ResponseStream.CopyToAsync(copy, token);
                return copy.ToArray();
            }, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (IsNotFound(exception))
        {
            throw new StoragePathNotFoundException(path);
        }

        var (partial, tailOffset) = S3PartialFile.Parse(content);
        return S3StorageWriter.AppendToPartial(this, path, key, partialKey, partial, content.AsMemory(tailOffset));
    }

    public async Task<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken)
    {
        StoragePath.ValidateDirectory(path);
        if (path == StoragePath.Root)
        {
            return new StorageFileInfo(path, 0, DateTimeOffset.UnixEpoch, IsDirectory: true);
        }

        var key = Key(path);
        if (await TryHeadAsync(key, cancellationToken) is { } file)
        {
            return new StorageFileInfo(path, file.ContentLength, ToTime(file.LastModified), IsDirectory: false);
        }

        if (await TryHeadAsync(PartialKey(path), cancellationToken) is { } partial)
        {
            return new StorageFileInfo(path, PartialSize(partial), ToTime(partial.LastModified), IsDirectory: false);
        }

        var listing = await ListPageAsync(key + "/", startAfter: null, maxKeys: 1, cancellationToken);
        if (listing.S3Objects is [var first, ..])
        {
            return new StorageFileInfo(path, 0, ToTime(first.LastModified), IsDirectory: true);
        }

        throw new StoragePathNotFoundException(path);
    }

    public async Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        var sourceKey = FileKey(sourcePath);
        var destinationKey = FileKey(destinationPath);
        var source = await HeadAsync(sourcePath, sourceKey, cancellationToken);
        try
        {
            if (source.ContentLength <= MaximumSingleCopySize)
            {
                await ExecuteAsync("CopyObject", destinationKey, token => client.CopyObjectAsync(
                    new CopyObjectRequest
                    {
                        SourceBucket = Bucket,
                        SourceKey = sourceKey,
                        DestinationBucket = Bucket,
                        DestinationKey = destinationKey,
                        ServerSideEncryptionMethod = encryption,
                        ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
                    },
                    token), cancellationToken);
            }
            else
            {
                await CopyInPartsAsync(sourceKey, destinationKey, source.ContentLength, source.ETag, cancellationToken);
            }
        }
        catch (AmazonS3Exception exception) when (IsNotFound(exception))
        {
            // The source went away between the HEAD and the copy.
            throw new StoragePathNotFoundException(sourcePath);
        }

        await DeleteObjectAsync(sourceKey, cancellationToken);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var key = FileKey(path);
        var partialKey = PartialKey(path);
        var file = await TryHeadAsync(key, cancellationToken);
        var partial = await TryHeadAsync(partialKey, cancellationToken);
        if (file is not null || partial is not null)
        {
            if (partial is not null)
            {
                await AbortQuietlyAsync(key, PartialUploadId(partial), cancellationToken);
            }

            var keys = new List<string>(2);
            if (file is not null)
            {
                keys.Add(key);
            }

            if (partial is not null)
            {
                keys.Add(partialKey);
            }

            await DeleteObjectsAsync(keys, cancellationToken);
            return;
        }

        // A directory: every key below, a page at a time (a page is at most what one DeleteObjects takes).
        var directoryPrefix = key + "/";
        var found = false;
        string? startAfter = null;
        while (true)
        {
            var page = await ListPageAsync(directoryPrefix, startAfter, ListPageSize, cancellationToken);
            var keys = (page.S3Objects ?? []).Select(entry => entry.Key).ToList();
            if (keys.Count == 0)
            {
                break;
            }

            found = true;
            foreach (var partialEntry in keys.Where(IsPartialKey))
            {
                if (await TryHeadAsync(partialEntry, cancellationToken) is { } head)
                {
                    await AbortQuietlyAsync(FileKeyOfPartial(partialEntry), PartialUploadId(head), cancellationToken);
                }
            }

            await DeleteObjectsAsync(keys, cancellationToken);
            if (page.IsTruncated != true)
            {
                break;
            }

            startAfter = keys[^1];
        }

        if (!found)
        {
            throw new StoragePathNotFoundException(path);
        }
    }

    /// <inheritdoc/>
    /// <remarks>A presigned URL for GET or HEAD valid for <see cref="RedirectExpiry"/>; null for any other method. The object is not checked.</remarks>
    public async Task<Uri?> RedirectUrlAsync(string path, string method, CancellationToken cancellationToken)
    {
        var key = FileKey(path);
        var verb = method.ToUpperInvariant() switch
        {
            "GET" => HttpVerb.GET,
            "HEAD" => HttpVerb.HEAD,
            _ => (HttpVerb?)null,
        };
        if (verb is null)
        {
            return null;
        }

        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = key,
            Verb = verb.Value,
            Expires = timeProvider.GetUtcNow().Add(RedirectExpiry).UtcDateTime,
            Protocol = presignProtocol,
        });
        return new Uri(url);
    }

    /// <summary>
    /// Lists one key below the root, without retries and with the attempt timeout: the readiness probe,
    /// which must answer quickly whether S3 answers at all.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Resilience.AttemptTimeout);
        await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, MaxKeys = 1 }, timeout.Token);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "S3 {Operation} of {Key} in bucket {Bucket} failed for good: {Failure}")]
        public static partial void GaveUp(ILogger logger, string operation, string bucket, string key, string failure, Exception exception);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Could not abort the multipart upload of {Key} ({Failure}); the bucket's lifecycle rule for incomplete multipart uploads removes it")]
        public static partial void AbortFailed(ILogger logger, string key, string failure);

        [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "storage.s3.v4auth is false, but signature version 2 is not supported: requests are signed with version 4")]
        public static partial void SignatureV2Unsupported(ILogger logger);
    }
}
