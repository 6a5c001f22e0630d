using System.Security.Cryptography;

namespace EdgeRegistry.Signing.Tests.Jws;

/// <summary>An EC P-256 and an RSA-2048 key, generated once per test class.</summary>
public sealed class SigningKeysFixture : IDisposable
{
    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ECDsa OtherEc { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RSA Rsa { get; } = RSA.Create(2048);

    public void Dispose()
    {
        Ec.Dispose();
        OtherEc.Dispose();
        Rsa.Dispose();
    }
}
