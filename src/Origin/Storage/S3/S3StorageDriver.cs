using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
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

    /// <inheritdoc/>
    /// <remarks>
    /// Lists the keys below without a delimiter, skipping past a child directory's keys with
    /// <c>start-after</c> once a page ends inside it: as many requests as pages of files plus at most one
    /// per child directory, and the same answer from every S3-compatible store (some report common
    /// prefixes only one level deep).
    /// </remarks>
    public async Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken)
    {
        var directoryPrefix = DirectoryPrefix(path);
        var children = new SortedSet<string>(StringComparer.Ordinal);
        var found = false;
        string? startAfter = null;
        while (true)
        {
            var page = await ListPageAsync(directoryPrefix, startAfter, ListPageSize, cancellationToken);
            if (page.S3Objects is not { Count: > 0 } objects)
            {
                break;
            }

            found = true;
            string? lastDirectory = null;
            foreach (var entry in objects)
            {
                var relative = entry.Key[directoryPrefix.Length..];
                var slash = relative.IndexOf('/', StringComparison.Ordinal);
                var name = slash < 0 ? relative : relative[..slash];
                lastDirectory = slash < 0 ? null : name;
                if (slash < 0 && name.StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    name = name[PartialPrefix.Length..];
                }
                else if (name.StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (IsValidName(name))
                {
                    children.Add(StoragePath.Join(path, name));
                }
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            startAfter = lastDirectory is null ? objects[^1].Key : directoryPrefix + lastDirectory + "/" + AfterEveryKey;
        }

        if (!found && path != StoragePath.Root)
        {
            // No key below: a missing directory, or a file.
            throw new StoragePathNotFoundException(path);
        }

        return [.. children];
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

    public async IAsyncEnumerable<StorageFileInfo> WalkAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var directoryPrefix = DirectoryPrefix(path);
        var found = false;
        var partials = new List<string>();
        string? startAfter = null;
        while (true)
        {
            var page = await ListPageAsync(directoryPrefix, startAfter, ListPageSize, cancellationToken);
            if (page.S3Objects is not { Count: > 0 } objects)
            {
                break;
            }

            foreach (var entry in objects)
            {
                found = true;
                var relative = entry.Key[directoryPrefix.Length..];
                if (!relative.Split('/').All(IsValidName))
                {
                    continue;
                }

                var filePath = StoragePath.Join(path, relative);
                if (StoragePath.Name(filePath).StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    partials.Add(filePath);
                    continue;
                }

                yield return new StorageFileInfo(filePath, entry.Size ?? 0, ToTime(entry.LastModified), IsDirectory: false);
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            startAfter = objects[^1].Key;
        }

        if (!found && path != StoragePath.Root)
        {
            throw new StoragePathNotFoundException(path);
        }

        // Partial files are rare (uploads in flight): each costs two HEADs, the first skipping a file whose
        // committed object is there (and was walked already).
        foreach (var partialPath in partials)
        {
            var filePath = StoragePath.Join(StoragePath.Parent(partialPath), StoragePath.Name(partialPath)[PartialPrefix.Length..]);
            if (await TryHeadAsync(Key(filePath), cancellationToken) is null
                && await TryHeadAsync(PartialKey(filePath), cancellationToken) is { } partial)
            {
                yield return new StorageFileInfo(filePath, PartialSize(partial), ToTime(partial.LastModified), IsDirectory: false);
            }
        }
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

    // Calls for the writer and the read stream.

    internal async Task PutObjectAsync(string key, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var body = AsArraySegment(content);
        var md5 = Convert.ToBase64String(MD5.HashData(body));
        await ExecuteAsync("PutObject", key, token =>
        {
            var request = new PutObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                // A seekable stream and no chunk encoding: S3-compatible stores differ in their support of
                // aws-chunked bodies, and Content-MD5 makes S3 check the bytes it stores.
                InputStream = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false),
                UseChunkEncoding = false,
                AutoCloseStream = true,
                MD5Digest = md5,
                ContentType = "application/octet-stream",
                ServerSideEncryptionMethod = encryption,
                ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
            };
            foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
            {
                request.Metadata[name] = value;
            }

            return client.PutObjectAsync(request, token);
        }, cancellationToken);
    }

    internal Task<string> StartMultipartUploadAsync(string key, CancellationToken cancellationToken) =>
        ExecuteAsync("CreateMultipartUpload", key, async token => (await client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = key,
                ContentType = "application/octet-stream",
                ServerSideEncryptionMethod = encryption,
                ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId,
            },
            token)).UploadId, cancellationToken);

    /// <summary>Uploads one part; <see cref="StoragePathNotFoundException"/> when the multipart upload is gone.</summary>
    internal async Task<string> UploadPartAsync(string path, string key, string uploadId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var body = AsArraySegment(content);
        var md5 = Convert.ToBase64String(MD5.HashData(body));
        try
        {
            return await UploadPartCoreAsync(key, uploadId, number, body, md5, cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "NoSuchUpload")
        {
            throw new StoragePathNotFoundException(path);
        }
    }

    private async Task<string> UploadPartCoreAsync(string key, string uploadId, int number, ArraySegment<byte> body, string md5, CancellationToken cancellationToken)
    {
        return await ExecuteAsync("UploadPart", key, async token => (await client.UploadPartAsync(
            new UploadPartRequest
            {
                BucketName = Bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = number,
                InputStream = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false),
                UseChunkEncoding = false,
                MD5Digest = md5,
            },
            token)).ETag, cancellationToken);
    }

    internal async Task CompleteMultipartUploadAsync(string path, string key, string uploadId, IReadOnlyList<S3UploadedPart> parts, long size, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync("CompleteMultipartUpload", key, token => client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartETags = [.. parts.Select(part => new PartETag(part.Number, part.ETag))],
                },
                token), cancellationToken);
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "NoSuchUpload")
        {
            // An attempt whose answer was lost may have completed it: then the object is there, whole.
            // Otherwise the upload is gone (aborted by a lifecycle rule, or by a cancel elsewhere).
            if (await TryHeadAsync(key, cancellationToken) is not { } head || head.ContentLength != size)
            {
                throw new StoragePathNotFoundException(path);
            }
        }
    }

    /// <summary>Aborts a multipart upload, logging instead of failing: a leftover upload costs space, not correctness.</summary>
    internal async Task AbortQuietlyAsync(string key, string? uploadId, CancellationToken cancellationToken)
    {
        if (uploadId is null)
        {
            return;
        }

        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId }, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.AbortFailed(logger, key, S3Resilience.Describe(exception));
        }
    }

    internal async Task DeleteObjectAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync("DeleteObject", key, token => client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, token), cancellationToken);
        }
        catch (AmazonS3Exception exception) when (IsNotFound(exception))
        {
            // Already gone: what the delete wanted.
        }
    }

    internal async Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var response = await ExecuteAsync("DeleteObjects", keys[0], token => client.DeleteObjectsAsync(
            new DeleteObjectsRequest
            {
                BucketName = Bucket,
                Objects = [.. keys.Select(key => new KeyVersion { Key = key })],
                Quiet = true,
            },
            token), cancellationToken);
        if (response.DeleteErrors is [var first, ..])
        {
            throw new StorageUnavailableException("DeleteObjects", first.Key, new IOException($"{first.Code}: {first.Message}"));
        }
    }

    /// <summary>Opens the object from <paramref name="offset"/>; with <paramref name="etag"/>, only that version of it.</summary>
    internal Task<GetObjectResponse> GetObjectAsync(string key, long offset, string? etag, CancellationToken cancellationToken) =>
        ExecuteAsync("GetObject", key, token => client.GetObjectAsync(
            new GetObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                // Always a range, even from 0: for a whole-object GET the SDK MD5-hashes the entire body
                // (3 CPU s/GiB measured), for a ranged one it does not. An empty object answers 416, which
                // ReaderAsync turns into an empty stream.
                ByteRange = new ByteRange($"bytes={offset}-"),
                EtagToMatch = etag,
            },
            token), cancellationToken);

    /// <summary>The object's metadata, or null when there is no such key.</summary>
    internal async Task<GetObjectMetadataResponse?> TryHeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync("HeadObject", key, token => client.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = Bucket, Key = key }, token), cancellationToken);
        }
        catch (AmazonS3Exception exception) when (IsNotFound(exception))
        {
            return null;
        }
    }

    /// <summary>
    /// Runs one S3 call through the pipeline. Answers that callers turn into typed results (not found, range
    /// not satisfiable, precondition failed) and the caller's cancellation pass through; anything else that
    /// outlasts the retries is logged with the operation and key and becomes <see cref="StorageUnavailableException"/>.
    /// </summary>
    internal async Task<T> ExecuteAsync<T>(string operation, string key, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        context.Properties.Set(S3Resilience.ObjectKey, key);
        try
        {
            return await pipeline.ExecuteAsync(static async (context, call) => await call(context.CancellationToken), context, call);
        }
        catch (Exception exception) when (!PassesThrough(exception, cancellationToken))
        {
            Log.GaveUp(logger, operation, Bucket, key, S3Resilience.Describe(exception), exception);
            throw new StorageUnavailableException(operation, key, exception);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    internal static bool IsNotFound(AmazonS3Exception exception) =>
        exception.StatusCode == HttpStatusCode.NotFound && exception.ErrorCode != "NoSuchBucket";

    private static bool PassesThrough(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        StorageException => true,
        OperationCanceledException => cancellationToken.IsCancellationRequested,
        AmazonS3Exception s3 => IsNotFound(s3) || s3.ErrorCode == "NoSuchUpload"
            || s3.StatusCode is HttpStatusCode.RequestedRangeNotSatisfiable or HttpStatusCode.PreconditionFailed,
        _ => false,
    };

    private async Task CopyInPartsAsync(string sourceKey, string destinationKey, long size, string etag, CancellationToken cancellationToken)
    {
        var uploadId = await StartMultipartUploadAsync(destinationKey, cancellationToken);
        try
        {
            var parts = new List<PartETag>();
            for (long first = 0, number = 1; first < size; first += CopyPartSize, number++)
            {
                var last = Math.Min(first + CopyPartSize, size) - 1;
                var partNumber = (int)number;
                var response = await ExecuteAsync("UploadPartCopy", destinationKey, token => client.CopyPartAsync(
                    new CopyPartRequest
                    {
                        SourceBucket = Bucket,
                        SourceKey = sourceKey,
                        DestinationBucket = Bucket,
                        DestinationKey = destinationKey,
                        UploadId = uploadId,
                        PartNumber = partNumber,
                        FirstByte = first,
                        LastByte = last,
                        ETagToMatch = [etag],
                    },
                    token), cancellationToken);
                parts.Add(new PartETag(partNumber, response.ETag));
            }

            await ExecuteAsync("CompleteMultipartUpload", destinationKey, token => client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = Bucket, Key = destinationKey, UploadId = uploadId, PartETags = parts },
                token), cancellationToken);
        }
        catch
        {
            await AbortQuietlyAsync(destinationKey, uploadId, CancellationToken.None);
            throw;
        }
    }

    private async Task<GetObjectMetadataResponse> HeadAsync(string path, string key, CancellationToken cancellationToken) =>
        await TryHeadAsync(key, cancellationToken) ?? throw new StoragePathNotFoundException(path);

    // Pages go by start-after (the last key seen) rather than continuation tokens, which lets a listing
    // skip a whole prefix and needs nothing of the store but key order.
    private Task<ListObjectsV2Response> ListPageAsync(string keyPrefix, string? startAfter, int maxKeys, CancellationToken cancellationToken) =>
        ExecuteAsync("ListObjectsV2", keyPrefix, token => client.ListObjectsV2Async(
            new ListObjectsV2Request
            {
                BucketName = Bucket,
                Prefix = keyPrefix,
                StartAfter = startAfter,
                MaxKeys = maxKeys,
            },
            token), cancellationToken);

    private static long PartialSize(GetObjectMetadataResponse head) =>
        head.Metadata[S3PartialFile.SizeMetadata] is { } text && long.TryParse(text, out var size) ? size : 0;

    private static string? PartialUploadId(GetObjectMetadataResponse head) =>
        head.Metadata[S3PartialFile.UploadIdMetadata] is { Length: > 0 } uploadId ? uploadId : null;

    private static DateTimeOffset ToTime(DateTime? time) =>
        time is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;

    private static ArraySegment<byte> AsArraySegment(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment) ? segment : new ArraySegment<byte>(content.ToArray());

    // A name a listing may report: one valid, visible path component.
    private static bool IsValidName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.AsSpan().IndexOfAny('\\', '\0') < 0;

    private static bool IsPartialKey(string key) =>
        key[(key.LastIndexOf('/') + 1)..].StartsWith(PartialPrefix, StringComparison.Ordinal);

    private static string FileKeyOfPartial(string partialKey)
    {
        var slash = partialKey.LastIndexOf('/');
        return partialKey[..(slash + 1)] + partialKey[(slash + 1 + PartialPrefix.Length)..];
    }

    /// <summary>
    /// The object key of the file <paramref name="path"/> in <see cref="Bucket"/>: the root directory (without
    /// its leading slash) followed by the path, as CNCF distribution's <c>S3BucketKey</c> gives it to the
    /// CloudFront middleware. An invalid path raises <see cref="InvalidStoragePathException"/>.
    /// </summary>
    internal string ObjectKey(string path) => FileKey(path);

    private string FileKey(string path) => Key(StoragePath.ValidateFile(path));

    /// <summary>The key prefix of everything below a directory path (the root included).</summary>
    private string DirectoryPrefix(string path)
    {
        StoragePath.ValidateDirectory(path);
        return path == StoragePath.Root ? prefix : Key(path) + "/";
    }

    // The partial record's name is reserved, so it is built past the check of Key.
    private string PartialKey(string path) =>
        prefix + StoragePath.Join(StoragePath.Parent(path), PartialPrefix + StoragePath.Name(path))[1..];

    private string Key(string path)
    {
        if (path.Length > 1)
        {
            foreach (var range in path.AsSpan(1).Split('/'))
            {
                if (path.AsSpan(1)[range].StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    throw new InvalidStoragePathException(path);
                }
            }
        }

        return prefix + path[1..];
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
