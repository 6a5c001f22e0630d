using System.Security.Cryptography;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.S3;

namespace EdgeRegistry.Integration.Tests.CloudFront;

/// <summary>How an origin process on s3rver is given the cloudfront storage middleware.</summary>
internal static class CloudFrontOrigin
{
    public const string KeyPairId = "K2JCJMDEHXQW5F";

    /// <summary>Writes <paramref name="key"/> as the PKCS#1 PEM CloudFront's console hands out, and returns the path.</summary>
    public static string WritePrivateKey(TempDirectory directory, RSA key)
    {
        var path = directory.Combine("cloudfront-" + KeyPairId + ".pem");
        File.WriteAllText(path, key.ExportRSAPrivateKeyPem());
        return path;
    }

    /// <summary>The <c>middleware</c> section with the cloudfront entry (and any extra options, already indented).</summary>
    public static string MiddlewareYaml(Uri baseUrl, string privateKeyPath, string extraOptions = "") => $"""
        middleware:
          storage:
            - name: cloudfront
              options:
                baseurl: {baseUrl}
                privatekey: '{privateKeyPath}'
                keypairid: {KeyPairId}
        {extraOptions}
        """;

    /// <summary>Options for an origin storing below <paramref name="rootDirectory"/> in s3rver, redirects on, with the middleware.</summary>
    public static OriginOptions Options(Uri s3Endpoint, string rootDirectory, string middlewareYaml) => new()
    {
        Environment = S3OriginEnvironment.For(s3Endpoint, rootDirectory, redirect: true),
        ExtraYaml = middlewareYaml,
    };
}
