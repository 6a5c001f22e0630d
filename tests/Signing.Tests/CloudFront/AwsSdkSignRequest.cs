namespace EdgeRegistry.Signing.Tests.CloudFront;

/// <summary>
/// The options of one <c>getSignedUrl</c> call of <c>@aws-sdk/cloudfront-signer</c>; null members are left out.
/// </summary>
public sealed record AwsSdkSignRequest(string Url, string KeyPairId, string PrivateKey)
{
    /// <summary>Milliseconds since the Unix epoch, passed to the SDK as a Date.</summary>
    public long? DateLessThan { get; init; }

    /// <summary>Milliseconds since the Unix epoch, passed to the SDK as a Date.</summary>
    public long? DateGreaterThan { get; init; }

    public string? IpAddress { get; init; }

    /// <summary>A policy JSON the SDK signs as given instead of building its own.</summary>
    public string? Policy { get; init; }

    /// <summary><c>SHA256</c>, or null for the SDK's default (SHA1).</summary>
    public string? Algorithm { get; init; }
}
