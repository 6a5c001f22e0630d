namespace EdgeRegistry.Signing.Keys;

/// <summary>Why a PEM key could not be loaded.</summary>
public enum PemKeyError
{
    /// <summary>The file or its directory does not exist.</summary>
    FileNotFound,

    /// <summary>The file exists but could not be read (permissions, a directory, an I/O error).</summary>
    Unreadable,

    /// <summary>The key is protected by a passphrase (<c>ENCRYPTED PRIVATE KEY</c> or <c>Proc-Type: 4,ENCRYPTED</c>).</summary>
    Encrypted,

    /// <summary>The PEM holds something other than the private key asked for: a key of another algorithm, a public key or a certificate.</summary>
    WrongKeyType,

    /// <summary>The key is in a format this loader does not read (OpenSSH or PuTTY private keys).</summary>
    UnsupportedFormat,

    /// <summary>The content is not a well-formed PEM private key (no PEM block, bad base64, bad DER, several keys).</summary>
    Malformed,
}
