using System.Security.Cryptography.X509Certificates;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Origin.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeRegistry.Origin.Hosting;

/// <summary>Kestrel on <c>http.addr</c>, with TLS from <c>http.tls</c> (PEM certificate and key).</summary>
internal static class ListenerExtensions
{
    public static WebApplicationBuilder AddListener(this WebApplicationBuilder builder, HttpOptions http)
    {
        X509Certificate2? certificate = null;
        if (http.Tls is { } tls)
        {
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(tls.Certificate, tls.Key);
            }
            catch (Exception exception) when (exception is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
            {
                throw new ConfigurationException([$"http.tls.certificate: cannot load {tls.Certificate} with key {tls.Key}: {exception.Message}"]);
            }
        }

        // Large receive blocks: a blob push is then a few thousand recv calls rather than one per 4 KiB.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Blob uploads are unbounded streams; manifests are bounded by the API itself.
            kestrel.Limits.MaxRequestBodySize = null;
            void Configure(ListenOptions listen)
            {
                // HTTP/2 needs ALPN, so only with TLS.
                listen.Protocols = certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            }

            if (http.Listen.AllInterfaces)
            {
                kestrel.ListenAnyIP(http.Listen.Port, Configure);
            }
            else if (http.Listen.Host is "localhost")
            {
                kestrel.ListenLocalhost(http.Listen.Port, Configure);
            }
            else if (System.Net.IPAddress.TryParse(http.Listen.Host, out var address))
            {
                kestrel.Listen(address, http.Listen.Port, Configure);
            }
            else
            {
                foreach (var resolved in System.Net.Dns.GetHostAddresses(http.Listen.Host!))
                {
                    kestrel.Listen(resolved, http.Listen.Port, Configure);
                }
            }
        });
        return builder;
    }
}
