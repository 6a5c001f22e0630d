using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Signing.CloudFront;

/// <summary>
/// Signs URLs for a CloudFront distribution whose behaviour requires signed URLs, with a canned
/// policy (<c>Expires</c>, <c>Key-Pair-Id</c>, <c>Signature</c>) or a custom policy
/// (<c>Policy</c>, <c>Key-Pair-Id</c>, <c>Signature</c>), as the CloudFront developer guide
/// ("Use signed URLs") describes and <c>@aws-sdk/cloudfront-signer</c> produces, byte for byte.
/// </summary>
/// <remarks>
/// The signature is RSA PKCS#1 v1.5 over the policy's UTF-8 bytes, with SHA-1 or, when asked, SHA-256
/// (the URL then also carries <c>Hash-Algorithm=SHA256</c>). The signer does not own the key: the
/// caller disposes it, and must not dispose or change it while the signer is in use. Signing does not
/// change the signer's state, so one instance serves concurrent requests.
/// </remarks>
public sealed class CloudFrontUrlSigner
{
    private const string ExpiresParameter = "Expires";
    private const string PolicyParameter = "Policy";
    private const string SignatureParameter = "Signature";
    private const string KeyPairIdParameter = "Key-Pair-Id";
    private const string HashAlgorithmParameter = "Hash-Algorithm";

    private static readonly string[] ReservedParameters =
        [ExpiresParameter, PolicyParameter, SignatureParameter, KeyPairIdParameter, HashAlgorithmParameter];

    private readonly RSA privateKey;
    private readonly TimeProvider timeProvider;

    /// <summary>Creates a signer for one CloudFront public key.</summary>
    /// <param name="keyPairId">The ID CloudFront gave the public key (for example <c>K2JCJMDEHXQW5F</c>); letters and digits only.</param>
    /// <param name="privateKey">The RSA private key whose public half is in the distribution's trusted key group.</param>
    /// <param name="timeProvider">The clock that expiries given as durations count from.</param>
    /// <param name="hashAlgorithm">The signature's digest; SHA-1 unless the caller asks for SHA-256.</param>
    /// <exception cref="ArgumentException">The key pair ID is empty or has characters other than ASCII letters and digits.</exception>
    public CloudFrontUrlSigner(
        string keyPairId,
        RSA privateKey,
        TimeProvider timeProvider,
        CloudFrontHashAlgorithm hashAlgorithm = CloudFrontHashAlgorithm.Sha1)
    {
        ArgumentNullException.ThrowIfNull(keyPairId);
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (keyPairId.Length == 0 || !keyPairId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException(
                $"A CloudFront key pair ID is made of ASCII letters and digits (such as K2JCJMDEHXQW5F); '{keyPairId}' is not.",
                nameof(keyPairId));
        }

        if (!Enum.IsDefined(hashAlgorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(hashAlgorithm), hashAlgorithm, "Unknown CloudFront hash algorithm.");
        }

        KeyPairId = keyPairId;
        HashAlgorithm = hashAlgorithm;
        this.privateKey = privateKey;
        this.timeProvider = timeProvider;
    }

    /// <summary>The ID of the CloudFront public key, sent as <c>Key-Pair-Id</c>.</summary>
    public string KeyPairId { get; }

    /// <summary>The digest the signatures use.</summary>
    public CloudFrontHashAlgorithm HashAlgorithm { get; }

    /// <summary>Signs <paramref name="url"/> with a canned policy that expires <paramref name="validFor"/> from now.</summary>
    /// <returns>The signed URL in escaped form, ready for a <c>Location</c> header.</returns>
    /// <exception cref="ArgumentException">The URL cannot be signed (see <see cref="SignCanned(Uri, DateTimeOffset)"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validFor"/> is not positive, or expires within the current second.</exception>
    public string SignCanned(Uri url, TimeSpan validFor) =>
        SignCanned(url, ExpiryAfter(validFor, nameof(validFor)));

    /// <summary>Signs <paramref name="url"/> with a canned policy that expires at <paramref name="expiresAt"/>.</summary>
    /// <param name="url">
    /// An absolute http or https URL without a fragment and without the parameters CloudFront reserves
    /// (<c>Expires</c>, <c>Policy</c>, <c>Signature</c>, <c>Key-Pair-Id</c>, <c>Hash-Algorithm</c>).
    /// The policy's resource is the URL's escaped form (<see cref="Uri.AbsoluteUri"/>).
    /// </param>
    /// <param name="expiresAt">When CloudFront starts refusing the URL; truncated to the second.</param>
    /// <returns>The signed URL in escaped form, ready for a <c>Location</c> header.</returns>
    /// <exception cref="ArgumentException">The URL is relative, not http(s), has a fragment, is not ASCII or is already signed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expiresAt"/> is not in the future.</exception>
    public string SignCanned(Uri url, DateTimeOffset expiresAt)
    {
        var baseUrl = PrepareUrl(url);
        var policy = new CloudFrontPolicy(baseUrl, expiresAt);
        EnsureFuture(policy.DateLessThan, nameof(expiresAt));

        var signature = Sign(policy.ToJson());
        return AppendParameters(baseUrl, ExpiresParameter, policy.DateLessThan.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), signature);
    }

    /// <summary>
    /// Signs <paramref name="url"/> with a custom policy for exactly that URL, valid for
    /// <paramref name="validFor"/> from now, optionally only from <paramref name="validFrom"/> and only
    /// for viewers in <paramref name="sourceIp"/>.
    /// </summary>
    /// <param name="url">The URL, with the same requirements as for <see cref="SignCanned(Uri, DateTimeOffset)"/>.</param>
    /// <param name="validFor">How long from now the URL stays valid.</param>
    /// <param name="sourceIp">An IPv4 address or CIDR range (<c>192.0.2.0/24</c>), or null for any viewer.</param>
    /// <param name="validFrom">The instant before which CloudFront refuses the URL, or null for none.</param>
    /// <returns>The signed URL in escaped form, ready for a <c>Location</c> header.</returns>
    /// <exception cref="ArgumentException">The URL cannot be signed, the range is not valid IPv4 CIDR, or <paramref name="validFrom"/> is not before the expiry.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validFor"/> is not positive, or expires within the current second.</exception>
    public string SignCustom(Uri url, TimeSpan validFor, string? sourceIp = null, DateTimeOffset? validFrom = null)
    {
        var baseUrl = PrepareUrl(url);
        var policy = new CloudFrontPolicy(baseUrl, ExpiryAfter(validFor, nameof(validFor)))
        {
            DateGreaterThan = validFrom,
            SourceIp = sourceIp,
        };
        return SignCustomPrepared(baseUrl, policy);
    }

    /// <summary>
    /// Signs <paramref name="url"/> with <paramref name="policy"/>, whose resource may be a wildcard
    /// pattern covering many URLs (the same <c>Policy</c> and <c>Signature</c> then serve all of them).
    /// </summary>
    /// <param name="url">The URL, with the same requirements as for <see cref="SignCanned(Uri, DateTimeOffset)"/>.</param>
    /// <param name="policy">The policy; its resource must cover the URL's escaped form.</param>
    /// <returns>The signed URL in escaped form, ready for a <c>Location</c> header.</returns>
    /// <exception cref="ArgumentException">The URL cannot be signed, the policy does not cover it, or its dates are inverted.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The policy's <c>DateLessThan</c> is not in the future.</exception>
    public string SignCustom(Uri url, CloudFrontPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var baseUrl = PrepareUrl(url);
        if (!policy.Covers(baseUrl))
        {
            throw new ArgumentException(
                $"The policy's resource '{policy.Resource}' does not cover '{baseUrl}'; CloudFront would refuse the signed URL.",
                nameof(policy));
        }

        return SignCustomPrepared(baseUrl, policy);
    }

    private string SignCustomPrepared(string baseUrl, CloudFrontPolicy policy)
    {
        EnsureFuture(policy.DateLessThan, nameof(policy.DateLessThan));
        var json = policy.ToJson();
        var signature = Sign(json);
        return AppendParameters(baseUrl, PolicyParameter, CloudFrontBase64.Encode(Encoding.UTF8.GetBytes(json)), signature);
    }

    private string Sign(string policyJson)
    {
        var digest = HashAlgorithm == CloudFrontHashAlgorithm.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        var signature = privateKey.SignData(Encoding.UTF8.GetBytes(policyJson), digest, RSASignaturePadding.Pkcs1);
        return CloudFrontBase64.Encode(signature);
    }

    // Parameter order follows @aws-sdk/cloudfront-signer (Expires or Policy, Key-Pair-Id, Signature,
    // Hash-Algorithm); CloudFront reads them by name. Every value is already URL-safe.
    private string AppendParameters(string baseUrl, string policyParameter, string policyValue, string signature)
    {
        var signed = new StringBuilder(baseUrl.Length + policyValue.Length + signature.Length + 64)
            .Append(baseUrl)
            .Append(baseUrl.Contains('?') ? '&' : '?')
            .Append(policyParameter).Append('=').Append(policyValue)
            .Append('&').Append(KeyPairIdParameter).Append('=').Append(KeyPairId)
            .Append('&').Append(SignatureParameter).Append('=').Append(signature);
        if (HashAlgorithm == CloudFrontHashAlgorithm.Sha256)
        {
            signed.Append('&').Append(HashAlgorithmParameter).Append("=SHA256");
        }

        return signed.ToString();
    }

    private DateTimeOffset ExpiryAfter(TimeSpan validFor, string paramName)
    {
        if (validFor <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, validFor, "A signed URL must be valid for a positive duration.");
        }

        return timeProvider.GetUtcNow() + validFor;
    }

    // CloudFront compares whole seconds, so an expiry truncated to the current second is already past.
    private void EnsureFuture(DateTimeOffset expiresAt, string paramName)
    {
        var now = timeProvider.GetUtcNow();
        if (expiresAt.ToUnixTimeSeconds() <= now.ToUnixTimeSeconds())
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                expiresAt,
                $"A signed URL's expiry must be at least one whole second after now ({now:O}).");
        }
    }

    private static string PrepareUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"Only absolute URLs can be signed for CloudFront; '{url.OriginalString}' is relative.", nameof(url));
        }

        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"Only http and https URLs can be signed for CloudFront; '{url.Scheme}' is not supported.", nameof(url));
        }

        if (url.Fragment.Length > 0)
        {
            throw new ArgumentException("A URL to sign for CloudFront must not have a fragment.", nameof(url));
        }

        var baseUrl = url.AbsoluteUri;
        if (!Ascii.IsValid(baseUrl))
        {
            throw new ArgumentException($"A URL to sign for CloudFront must be ASCII (use the punycode host name); '{baseUrl}' is not.", nameof(url));
        }

        // A lone '?' ends an empty query; dropping it keeps the signed parameters after a single '?'.
        if (baseUrl.EndsWith('?'))
        {
            baseUrl = baseUrl[..^1];
        }

        foreach (var name in QueryParameterNames(url.Query))
        {
            if (ReservedParameters.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"The URL already has a '{name}' query parameter, which CloudFront reserves for signed URLs; it is either signed already or would be misread.",
                    nameof(url));
            }
        }

        return baseUrl;
    }

    private static IEnumerable<string> QueryParameterNames(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            yield return Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
        }
    }
}
