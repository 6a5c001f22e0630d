using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>Makes the S3 client that <c>storage.s3</c> describes.</summary>
internal static class S3ClientFactory
{
    private const string CopySourceHeader = "x-amz-copy-source";

    /// <summary>
    /// A client for the region, or for <c>regionendpoint</c> (an S3-compatible store, signing for
    /// <c>region</c>), with path-style addressing when <c>forcepathstyle</c>. Credentials are
    /// <c>accesskey</c>/<c>secretkey</c> when set, else the SDK's default chain (environment variables
    /// <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, shared profile, web identity, container or
    /// instance role). The SDK's own retries are off: <see cref="S3Resilience"/> retries every call.
    /// </summary>
    public static AmazonS3Client Create(S3StorageOptions options, S3ResilienceOptions resilience)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            MaxErrorRetry = 0,
            Timeout = resilience.AttemptTimeout,
            // Checksums only where S3 requires them (DeleteObjects): stores other than AWS differ in their
            // support of the newer checksum headers. Content-MD5 covers the bodies we upload.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.RegionEndpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            config.UseHttp = !options.Secure;
        }

        var client = options.AccessKey is { } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
        client.BeforeRequestEvent += KeepSlashesInCopySource;
        return client;
    }

    // The SDK escapes every '/' of the copy source's key as %2F. AWS accepts both forms, but some
    // S3-compatible stores only split "bucket/key" on a literal '/', so the slashes are sent as they are
    // (as the AWS CLI does). Runs before the request is signed.
    private static void KeepSlashesInCopySource(object sender, RequestEventArgs e)
    {
        if (e is WebServiceRequestEventArgs request && request.Headers.TryGetValue(CopySourceHeader, out var source))
        {
            request.Headers[CopySourceHeader] = source.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }
    }
}
