namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// How a client reaches one registry: whether TLS is required and verified, which CA directory to trust
/// (skopeo's <c>--cert-dir</c> layout), and optional <c>user:password</c> credentials.
/// </summary>
public sealed record RegistryAccess(bool TlsVerify, string? CertDirectory = null, string? Credentials = null)
{
    /// <summary>Plain HTTP (or unverified TLS) without credentials.</summary>
    public static RegistryAccess Insecure { get; } = new(TlsVerify: false);

    /// <summary>The same access with <paramref name="user"/> and <paramref name="password"/>.</summary>
    public RegistryAccess WithCredentials(string user, string password) => this with { Credentials = $"{user}:{password}" };

    /// <summary>The same access without credentials.</summary>
    public RegistryAccess WithoutCredentials() => this with { Credentials = null };
}
