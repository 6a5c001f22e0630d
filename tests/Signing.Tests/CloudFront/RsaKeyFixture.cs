using System.Security.Cryptography;

namespace EdgeRegistry.Signing.Tests.CloudFront;

/// <summary>One RSA-2048 key pair per test class: generating one takes long enough to dominate the run.</summary>
public sealed class RsaKeyFixture : IDisposable
{
    public RsaKeyFixture() => PublicKey.ImportSubjectPublicKeyInfo(PrivateKey.ExportSubjectPublicKeyInfo(), out _);

    /// <summary>The full key pair, used for signing.</summary>
    public RSA PrivateKey { get; } = RSA.Create(2048);

    /// <summary>Only the public half, so verification cannot lean on the private key.</summary>
    public RSA PublicKey { get; } = RSA.Create();

    public void Dispose()
    {
        PrivateKey.Dispose();
        PublicKey.Dispose();
    }
}
