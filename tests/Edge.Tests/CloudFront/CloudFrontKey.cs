using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Edge.Tests.CloudFront;

/// <summary>
/// An RSA key generated for the test, written as a PEM file, and a check of signed URLs made with it the
/// way CloudFront checks a canned policy (written independently of the signing library).
/// </summary>
internal sealed class CloudFrontKey : IDisposable
{
    public const string KeyPairId = "K2JCJMDEHXQW5F";

    private readonly TempDirectory directory = new();

    public CloudFrontKey()
    {
        PrivateKeyPath = directory.Combine("cloudfront.pem");
        File.WriteAllText(PrivateKeyPath, Key.ExportRSAPrivateKeyPem());
    }

    public RSA Key { get; } = RSA.Create(2048);

    public string PrivateKeyPath { get; }

    /// <summary>The URL without its query, and the query's parameters.</summary>
    public static (string Resource, Dictionary<string, string> Parameters) Parse(Uri url)
    {
        var text = url.AbsoluteUri;
        var query = text.IndexOf('?', StringComparison.Ordinal);
        var parameters = text[(query + 1)..].Split('&').ToDictionary(p => p[..p.IndexOf('=', StringComparison.Ordinal)], p => p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        return (text[..query], parameters);
    }

    /// <summary>Whether <paramref name="url"/> carries this key's signature over the canned policy for its resource and <c>Expires</c>.</summary>
    public bool Verifies(Uri url)
    {
        var (resource, parameters) = Parse(url);
        var policy = "{\"Statement\":[{\"Resource\":\"" + resource + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + parameters["Expires"] + "}}}]}";
        var signature = Convert.FromBase64String(parameters["Signature"].Replace('-', '+').Replace('_', '=').Replace('~', '/'));
        return parameters["Key-Pair-Id"] == KeyPairId &&
            Key.VerifyData(Encoding.UTF8.GetBytes(policy), signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
    }

    public static DateTimeOffset Expires(Uri url) =>
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(Parse(url).Parameters["Expires"], NumberStyles.None, CultureInfo.InvariantCulture));

    public void Dispose()
    {
        Key.Dispose();
        directory.Dispose();
    }
}
