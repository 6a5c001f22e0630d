using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Tests.Harness;

namespace EdgeRegistry.Edge.Tests.Configuration;

public sealed class TlsTests
{
    [Fact]
    public async Task Start_TlsConfigured_ServesHttpsWithThatCertificate()
    {
        using var directory = new TempDirectory();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=edge.test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certPath = directory.Combine("tls.crt");
        var keyPath = directory.Combine("tls.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        await using var origin = await FakeOrigin.StartAsync();
        await using var edge = await EdgeHost.StartAsync(origin.Url, o => o with { Tls = new TlsOptions { Certificate = certPath, Key = keyPath } });

        string? seen = null;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => (seen = cert?.Subject) is not null },
        });
        using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{edge.Url.Port}/healthz"));

        Assert.Equal("https", edge.Url.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=edge.test", seen);
    }
}
