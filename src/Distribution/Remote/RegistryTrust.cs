using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// Decides whether a server certificate is trusted for one upstream: the system's roots as always, plus the
/// CA certificates of a configured directory (built into a chain with a custom trust store), and no check at
/// all for the endpoint of an insecure registry. A certificate whose name does not match is never accepted
/// from a verified registry, whatever its issuer.
/// </summary>
internal sealed class RegistryTrust : IDisposable
{
    // *.cert and *.key in a certs.d directory are a client certificate and its key, never a CA.
    private static readonly string[] CertificateExtensions = [".crt", ".pem"];

    // id-kp-serverAuth: a CA of the directory vouches only for certificates issued for TLS servers.
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection roots;
    private readonly string? unverifiedHost;

    private RegistryTrust(X509Certificate2Collection roots, string? unverifiedHost)
    {
        this.roots = roots;
        this.unverifiedHost = unverifiedHost;
    }

    /// <summary>The extra roots this upstream trusts.</summary>
    public int ExtraRootCount => roots.Count;

    /// <summary>
    /// The trust for <paramref name="registry"/>: the certificates directly in <paramref name="caDirectory"/> and
    /// in its sub-directory named after the registry (<c>*.crt</c> and <c>*.pem</c>) (or after <paramref name="endpoint"/>'s authority), and,
    /// when <paramref name="skipVerification"/>, no verification for <paramref name="endpoint"/>'s host. Throws
    /// <see cref="InvalidDataException"/> naming a certificate file that cannot be read.
    /// </summary>
    public static RegistryTrust Create(string? caDirectory, string registry, Uri endpoint, bool skipVerification)
    {
        var roots = new X509Certificate2Collection();
        if (caDirectory is not null)
        {
            LoadDirectory(roots, caDirectory);
            foreach (var name in new[] { registry, endpoint.Authority, endpoint.Host }.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var perRegistry = Path.Combine(caDirectory, name);
                if (name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && Directory.Exists(perRegistry))
                {
                    LoadDirectory(roots, perRegistry);
                }
            }
        }

        return new RegistryTrust(roots, skipVerification ? endpoint.IdnHost : null);
    }

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/> of the upstream's handler.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (unverifiedHost is not null && sender is SslStream stream
            && string.Equals(stream.TargetHostName.Trim('[', ']'), unverifiedHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Only an unknown issuer can be cured by the directory's roots; a wrong name or no certificate cannot.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || roots.Count == 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        // Private CAs rarely publish revocation lists reachable from here; the system roots' path keeps its own policy.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (chain is not null)
        {
            // The intermediates the server sent.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements.Skip(1))
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }

    public void Dispose()
    {
        foreach (var root in roots)
        {
            root.Dispose();
        }
    }

    private static void LoadDirectory(X509Certificate2Collection roots, string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (!CertificateExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            try
            {
                var loaded = new X509Certificate2Collection();
                loaded.ImportFromPemFile(file);
                if (loaded.Count == 0 && !IsPemText(file))
                {
                    loaded.Add(X509CertificateLoader.LoadCertificateFromFile(file));
                }

                roots.AddRange(loaded);
            }
            catch (CryptographicException e)
            {
                throw new InvalidDataException($"CA certificate file '{file}' cannot be read: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// True for a PEM file without CERTIFICATE blocks (an OpenSSL TRUSTED CERTIFICATE bundle, a key): such a
    /// file of a system directory holds nothing for us and is skipped, where a DER file is loaded.
    /// </summary>
    private static bool IsPemText(string file)
    {
        Span<byte> start = stackalloc byte[64];
        using var stream = File.OpenRead(file);
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return start[..read].IndexOf("-----BEGIN "u8) >= 0;
    }
}
