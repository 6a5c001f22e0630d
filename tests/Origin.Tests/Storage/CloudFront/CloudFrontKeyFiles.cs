using System.Security.Cryptography;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

/// <summary>
/// An RSA key pair generated for the test, with PEM files in a temp directory: the private key as CloudFront's
/// console gives it (PKCS#1), the same key encrypted, an EC key and the public key alone.
/// </summary>
internal sealed class CloudFrontKeyFiles : IDisposable
{
    public CloudFrontKeyFiles()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("edgeregistry-cloudfront-").FullName;
        Key = RSA.Create(2048);
        PrivateKeyPath = Write("private.pem", Key.ExportRSAPrivateKeyPem());
        EncryptedKeyPath = Write(
            "encrypted.pem",
            Key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        EcKeyPath = Write("ec.pem", ec.ExportECPrivateKeyPem());
        PublicKeyPath = Write("public.pem", Key.ExportSubjectPublicKeyInfoPem());
    }

    public string Directory { get; }

    /// <summary>The key pair; tests verify signatures with its public half.</summary>
    public RSA Key { get; }

    public string PrivateKeyPath { get; }

    public string EncryptedKeyPath { get; }

    public string EcKeyPath { get; }

    public string PublicKeyPath { get; }

    public string MissingPath => Path.Combine(Directory, "missing.pem");

    public void Dispose()
    {
        Key.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
