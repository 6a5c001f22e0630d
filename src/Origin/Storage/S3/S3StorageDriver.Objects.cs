using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Polly;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>Object calls through the resilience pipeline: GET, HEAD, deletes and multipart copies, and how failures surface.</summary>
internal sealed partial class S3StorageDriver
{
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
}
