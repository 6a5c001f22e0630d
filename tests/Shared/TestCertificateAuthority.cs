using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// A throw-away certificate authority made at test time, which issues server certificates for
/// 127.0.0.1/localhost and writes them as PEM files for servers (Go, nginx, Kestrel) and clients (skopeo, curl).
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private TestCertificateAuthority(ECDsa key, X509Certificate2 certificate)
    {
        _key = key;
        Certificate = certificate;
    }

    /// <summary>The self-signed CA certificate (with its private key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a CA with an ECDSA P-256 key, valid from an hour ago for one day.</summary>
    public static TestCertificateAuthority Create(string commonName = "EdgeRegistry Test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        return new TestCertificateAuthority(key, certificate);
    }

    /// <summary>
    /// Issues a server certificate (serverAuth) for <paramref name="dnsNames"/> and <paramref name="addresses"/>;
    /// with none given, for localhost and 127.0.0.1. The result carries its private key.
    /// </summary>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string>? dnsNames = null, IEnumerable<IPAddress>? addresses = null)
    {
        var names = dnsNames?.ToList() ?? ["localhost"];
        var ips = addresses?.ToList() ?? [IPAddress.Loopback];
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(names.Count > 0 ? names[0] : ips[0].ToString())}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names.ForEach(san.AddDnsName);
        ips.ForEach(san.AddIpAddress);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate, Certificate.NotBefore, Certificate.NotAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Issues a server certificate and writes, into <paramref name="directory"/>: server.crt (PEM, leaf),
    /// server.key (PEM PKCS#8), ca.pem (PEM CA certificate), and certs/ca.crt, a directory skopeo's
    /// <c>--cert-dir</c> options accept.
    /// </summary>
    public TlsFiles WriteServerFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        using var server = IssueServerCertificate();
        var files = new TlsFiles(
            CertificatePath: Path.Combine(directory, "server.crt"),
            KeyPath: Path.Combine(directory, "server.key"),
            CaCertificatePath: Path.Combine(directory, "ca.pem"),
            ClientCertDirectory: Path.Combine(directory, "certs"));
        File.WriteAllText(files.CertificatePath, server.ExportCertificatePem() + "\n");
        using (var key = server.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(files.KeyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        WriteCertificate(files.CaCertificatePath);
        Directory.CreateDirectory(files.ClientCertDirectory);
        File.Copy(files.CaCertificatePath, Path.Combine(files.ClientCertDirectory, "ca.crt"));
        return files;
    }

    /// <summary>Writes the CA certificate (without its key) as PEM to <paramref name="path"/>.</summary>
    public void WriteCertificate(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");

    /// <summary>
    /// A handler that accepts exactly the server certificates this CA issued for the requested host
    /// (full chain and name validation, no revocation check).
    /// </summary>
    public SocketsHttpHandler CreateTrustingHandler()
    {
        var root = X509CertificateLoader.LoadCertificate(Certificate.RawData);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(root);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
