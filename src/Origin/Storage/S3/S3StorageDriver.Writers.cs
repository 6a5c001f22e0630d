using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>The calls <see cref="S3StorageWriter"/> makes: single PUTs and multipart uploads (start, parts, complete, abort).</summary>
internal sealed partial class S3StorageDriver
{
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
}
