using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

/// <summary>
/// A CloudFront signed URL taken apart and checked the way CloudFront checks it, written independently of
/// the signing library: the canned policy rebuilt from the URL and <c>Expires</c>, the signature verified
/// with the public key (RSA PKCS#1 v1.5 over SHA-1, CloudFront's default).
/// </summary>
internal sealed record SignedCloudFrontUrl(string Resource, IReadOnlyDictionary<string, string> Parameters)
{
    public DateTimeOffset Expires =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(Parameters["Expires"], NumberStyles.None, CultureInfo.InvariantCulture));

    public static SignedCloudFrontUrl Parse(Uri url)
    {
        var text = url.AbsoluteUri;
        var query = text.IndexOf('?', StringComparison.Ordinal);
        Assert.True(query > 0, $"'{text}' has no query");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text[(query + 1)..].Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            parameters.Add(pair[..equals], pair[(equals + 1)..]);
        }

        return new SignedCloudFrontUrl(text[..query], parameters);
    }

    /// <summary>Whether the signature is the key's over the canned policy for <see cref="Resource"/> and <see cref="Expires"/>.</summary>
    public bool VerifiesWith(RSA publicKey)
    {
        var policy = "{\"Statement\":[{\"Resource\":\"" + Resource + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + Parameters["Expires"] + "}}}]}";
        var signature = Convert.FromBase64String(Parameters["Signature"].Replace('-', '+').Replace('_', '=').Replace('~', '/'));
        return publicKey.VerifyData(Encoding.UTF8.GetBytes(policy), signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
    }
}
