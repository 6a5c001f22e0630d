namespace EdgeRegistry.Edge.Configuration;

/// <summary>TLS for the edge's listener: both PEM files or neither.</summary>
public sealed record TlsOptions
{
    /// <summary>PEM certificate chain file.</summary>
    public string? Certificate { get; init; }

    /// <summary>PEM private key file.</summary>
    public string? Key { get; init; }

    public bool Enabled => !string.IsNullOrEmpty(Certificate) || !string.IsNullOrEmpty(Key);
}
