namespace EdgeRegistry.Signing.CloudFront;

/// <summary>
/// The digest CloudFront uses to check a signed URL's RSA PKCS#1 v1.5 signature.
/// </summary>
public enum CloudFrontHashAlgorithm
{
    /// <summary>SHA-1, CloudFront's default; the URL carries no <c>Hash-Algorithm</c> parameter.</summary>
    Sha1 = 0,

    /// <summary>SHA-256; the URL carries <c>Hash-Algorithm=SHA256</c> so CloudFront verifies with it.</summary>
    Sha256 = 1,
}
