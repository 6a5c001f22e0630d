namespace EdgeRegistry.Edge.Configuration;

/// <summary>
/// CloudFront redirects for large blobs (<c>cloudFront.*</c>); off unless <see cref="BaseUrl"/> is set. A cache
/// miss for a blob of at least <see cref="ThresholdBytes"/> answers 307 to the blob's URL on the distribution,
/// signed with <see cref="PrivateKey"/> for <see cref="Duration"/>; smaller blobs are filled as usual.
/// </summary>
public sealed record CloudFrontOptions
{
    /// <summary>The distribution's URL (<c>https://d111111abcdef8.cloudfront.net/</c>), or null to turn redirects off.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Path of the unencrypted PEM RSA private key whose public key is in the distribution's key group.</summary>
    public string? PrivateKey { get; init; }

    /// <summary>CloudFront's ID of that public key.</summary>
    public string? KeyPairId { get; init; }

    /// <summary>How long a signed URL stays valid.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>The smallest blob, in bytes, that is redirected; smaller ones are served from the cache.</summary>
    public long ThresholdBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Whether a redirected blob is also filled into the local cache, so that the next pull is local.</summary>
    public bool BackgroundFill { get; init; }

    /// <summary>
    /// The origin's <c>storage.s3.rootdirectory</c>: the blob's URL path is
    /// <c>&lt;rootDirectory&gt;/docker/registry/v2/blobs/&lt;algorithm&gt;/&lt;2 hex&gt;/&lt;hex&gt;/data</c>, its object key in the bucket.
    /// </summary>
    public string RootDirectory { get; init; } = string.Empty;

    /// <summary>Whether redirects are configured.</summary>
    public bool Enabled => BaseUrl is not null;
}
