namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// <c>http.tls</c>: PEM <c>certificate</c> and <c>key</c> paths (each requires the other), <c>clientcas</c>
/// for client certificate authentication, and <c>minimumtls</c> (tls1.2 by default, as distribution).
/// The files are not opened here: the server does that when it binds.
/// </summary>
internal sealed record HttpTlsOptions
{
    public required string Certificate { get; init; }

    public required string Key { get; init; }

    public IReadOnlyList<string> ClientCas { get; init; } = [];

    /// <summary>tls1.2 or tls1.3.</summary>
    public string MinimumTls { get; init; } = "tls1.2";

    /// <summary>Null when neither certificate nor key is set; errors when only one of them is.</summary>
    internal static HttpTlsOptions? Bind(ConfigMapping section)
    {
        var certificate = section.String("certificate");
        var key = section.String("key");
        var clientCas = section.StringList("clientcas");
        var minimumTls = section.OneOf("minimumtls", "tls1.2", "tls1.2", "tls1.3");
        section.ReportUnknownKeys();

        if (string.IsNullOrEmpty(certificate) && string.IsNullOrEmpty(key))
        {
            if (clientCas.Count > 0)
            {
                section.Error("clientcas", "requires http.tls.certificate and http.tls.key");
            }

            return null;
        }

        if (string.IsNullOrEmpty(key))
        {
            section.Error("key", "required when http.tls.certificate is set");
            return null;
        }

        if (string.IsNullOrEmpty(certificate))
        {
            section.Error("certificate", "required when http.tls.key is set");
            return null;
        }

        return new HttpTlsOptions { Certificate = certificate, Key = key, ClientCas = clientCas, MinimumTls = minimumTls };
    }
}
