using System.Formats.Asn1;
using System.Security.Cryptography;

namespace EdgeRegistry.Signing.Keys;

/// <summary>
/// Loads unencrypted private keys from PEM and says precisely why when it cannot: RSA keys in PKCS#1
/// (<c>-----BEGIN RSA PRIVATE KEY-----</c>) or PKCS#8 (<c>-----BEGIN PRIVATE KEY-----</c>) form, and EC
/// keys in SEC1 (<c>-----BEGIN EC PRIVATE KEY-----</c>) or PKCS#8 form.
/// </summary>
/// <remarks>
/// Text around the PEM blocks is ignored, and so are certificates or public keys next to the private
/// key (a combined "cert + key" file loads), and RFC 1421 headers such as libtrust's <c>keyID:</c>.
/// Exactly one private key must be present.
/// </remarks>
public static class PemKeyLoader
{
    // A PEM RSA key of 16384 bits is under 13 KiB; anything much larger is the wrong file.
    private const long MaxFileBytes = 1024 * 1024;

    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    /// <summary>Reads the RSA private key in the PEM file at <paramref name="path"/>.</summary>
    /// <returns>The key; the caller owns and disposes it.</returns>
    /// <exception cref="PemKeyException">
    /// The file is missing (<see cref="PemKeyError.FileNotFound"/>) or unreadable, the key is encrypted,
    /// is not an RSA private key, is in an unsupported format, or the content is malformed;
    /// <see cref="PemKeyException.Error"/> tells which.
    /// </exception>
    public static RSA LoadRsaPrivateKey(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return (RSA)ParsePrivateKey(ReadKeyFile(path, "RSA"), path, "RSA");
    }

    /// <summary>Reads the RSA private key in <paramref name="pem"/> (for a key held in configuration or a secret).</summary>
    /// <returns>The key; the caller owns and disposes it.</returns>
    /// <exception cref="PemKeyException">The key is encrypted, is not an RSA private key, is in an unsupported format, or the content is malformed.</exception>
    public static RSA ParseRsaPrivateKey(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return (RSA)ParsePrivateKey(pem, path: null, "RSA");
    }

    /// <summary>Reads the EC private key in the PEM file at <paramref name="path"/> (such as a libtrust or registry signing key).</summary>
    /// <returns>The key; the caller owns and disposes it.</returns>
    /// <exception cref="PemKeyException">
    /// The file is missing or unreadable, the key is encrypted, is not an EC private key, is in an
    /// unsupported format, or the content is malformed; <see cref="PemKeyException.Error"/> tells which.
    /// </exception>
    public static ECDsa LoadEcPrivateKey(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return (ECDsa)ParsePrivateKey(ReadKeyFile(path, "EC"), path, "EC");
    }

    /// <summary>Reads the EC private key in <paramref name="pem"/>.</summary>
    /// <returns>The key; the caller owns and disposes it.</returns>
    /// <exception cref="PemKeyException">The key is encrypted, is not an EC private key, is in an unsupported format, or the content is malformed.</exception>
    public static ECDsa ParseEcPrivateKey(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return (ECDsa)ParsePrivateKey(pem, path: null, "EC");
    }

    private static string ReadKeyFile(string path, string kind)
    {
        try
        {
            if (Directory.Exists(path))
            {
                throw Fail(kind, PemKeyError.Unreadable, path, "it is a directory, not a key file");
            }

            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw Fail(kind, PemKeyError.FileNotFound, path, "the file does not exist");
            }

            if (file.Length > MaxFileBytes)
            {
                throw Fail(kind, PemKeyError.Malformed, path, $"the file is {file.Length} bytes, far too large for a PEM key");
            }

            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail(kind, PemKeyError.FileNotFound, path, "the file does not exist", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw Fail(kind, PemKeyError.Unreadable, path, $"the file cannot be read ({e.Message})", e);
        }
    }

    private static AsymmetricAlgorithm ParsePrivateKey(string pem, string? path, string kind)
    {
        IReadOnlyList<PemBlock> blocks;
        try
        {
            blocks = PemBlock.FindAll(pem);
        }
        catch (FormatException e)
        {
            throw Fail(kind, PemKeyError.Malformed, path, e.Message, e);
        }

        var privateKeys = blocks.Where(b => b.Label.EndsWith("PRIVATE KEY", StringComparison.Ordinal)).ToList();
        if (privateKeys.Count == 0)
        {
            throw NoPrivateKey(pem, blocks, path, kind);
        }

        if (privateKeys.Count > 1)
        {
            throw Fail(kind, PemKeyError.Malformed, path, $"it holds {privateKeys.Count} private keys; expected exactly one");
        }

        var block = privateKeys[0];
        if (block.Label == "ENCRYPTED PRIVATE KEY" || block.IsProcTypeEncrypted)
        {
            throw Fail(
                kind,
                PemKeyError.Encrypted,
                path,
                $"the key is encrypted with a passphrase ({(block.IsProcTypeEncrypted ? "Proc-Type: 4,ENCRYPTED" : "ENCRYPTED PRIVATE KEY")}); store it unencrypted with restrictive file permissions (openssl pkey -in encrypted.pem -out key.pem)");
        }

        return (block.Label, kind) switch
        {
            ("RSA PRIVATE KEY", "RSA") => ImportPkcs1(block, path),
            ("EC PRIVATE KEY", "EC") => ImportSec1(block, path),
            ("PRIVATE KEY", _) => ImportPkcs8(block, path, kind),
            ("RSA PRIVATE KEY", _) => throw WrongAlgorithm(kind, "an RSA", path),
            ("EC PRIVATE KEY", _) => throw WrongAlgorithm(kind, "an EC", path),
            ("DSA PRIVATE KEY", _) => throw WrongAlgorithm(kind, "a DSA", path),
            ("OPENSSH PRIVATE KEY", _) => throw Fail(
                kind,
                PemKeyError.UnsupportedFormat,
                path,
                "it is an OpenSSH private key; convert a copy to PEM with ssh-keygen -p -m PEM -f <copy>"),
            _ => throw Fail(kind, PemKeyError.UnsupportedFormat, path, $"'{block.Label}' is not a supported private key format; expected {ExpectedLabels(kind)}"),
        };
    }

    private static RSA ImportPkcs1(PemBlock block, string? path)
    {
        var der = Decode(block, path, "RSA");
        return Import(RSA.Create(), der, path, "RSA", "PKCS#1", (rsa, bytes) => { rsa.ImportRSAPrivateKey(bytes, out var read); return read; });
    }

    private static ECDsa ImportSec1(PemBlock block, string? path)
    {
        var der = Decode(block, path, "EC");
        return Import(ECDsa.Create(), der, path, "EC", "SEC1", (ec, bytes) => { ec.ImportECPrivateKey(bytes, out var read); return read; });
    }

    private static AsymmetricAlgorithm ImportPkcs8(PemBlock block, string? path, string kind)
    {
        var der = Decode(block, path, kind);
        string algorithm;
        try
        {
            // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier, ... } (RFC 5208)
            var privateKeyInfo = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            privateKeyInfo.ReadInteger();
            algorithm = privateKeyInfo.ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException e)
        {
            CryptographicOperations.ZeroMemory(der);
            throw Fail(kind, PemKeyError.Malformed, path, "the PKCS#8 structure is not valid DER", e);
        }

        var expected = kind == "EC" ? EcPublicKeyOid : RsaEncryptionOid;
        if (algorithm != expected)
        {
            CryptographicOperations.ZeroMemory(der);
            throw WrongAlgorithm(kind, DescribeAlgorithm(algorithm), path);
        }

        return kind == "EC"
            ? Import(ECDsa.Create(), der, path, kind, "PKCS#8", (ec, bytes) => { ec.ImportPkcs8PrivateKey(bytes, out var read); return read; })
            : Import(RSA.Create(), der, path, kind, "PKCS#8", (rsa, bytes) => { rsa.ImportPkcs8PrivateKey(bytes, out var read); return read; });
    }

    private static T Import<T>(T key, byte[] der, string? path, string kind, string format, Func<T, byte[], int> import)
        where T : AsymmetricAlgorithm
    {
        try
        {
            var read = import(key, der);
            if (read != der.Length)
            {
                throw Fail(kind, PemKeyError.Malformed, path, $"the {format} key has {der.Length - read} bytes of trailing data");
            }

            return key;
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw Fail(kind, PemKeyError.Malformed, path, $"the {format} {kind} key is not valid ({e.Message})", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static byte[] Decode(PemBlock block, string? path, string kind) =>
        block.TryDecode(out var der)
            ? der
            : throw Fail(kind, PemKeyError.Malformed, path, $"the '{block.Label}' block is not valid base64");

    private static string ExpectedLabels(string kind) =>
        kind == "EC" ? "EC PRIVATE KEY or PRIVATE KEY" : "RSA PRIVATE KEY or PRIVATE KEY";

    private static PemKeyException NoPrivateKey(string pem, IReadOnlyList<PemBlock> blocks, string? path, string kind)
    {
        if (blocks.FirstOrDefault(b => b.Label.EndsWith("PUBLIC KEY", StringComparison.Ordinal)) is { } publicKey)
        {
            return Fail(kind, PemKeyError.WrongKeyType, path, $"it holds a public key ({publicKey.Label}), but signing needs the private key");
        }

        if (blocks.FirstOrDefault(b => b.Label.Contains("CERTIFICATE", StringComparison.Ordinal)) is { } certificate)
        {
            return Fail(kind, PemKeyError.WrongKeyType, path, $"it holds a certificate ({certificate.Label}), but signing needs the private key");
        }

        if (blocks.Count > 0)
        {
            return Fail(kind, PemKeyError.Malformed, path, $"it holds no private key (found {string.Join(", ", blocks.Select(b => b.Label))})");
        }

        var text = pem.TrimStart();
        if (text.StartsWith("PuTTY-User-Key-File", StringComparison.Ordinal))
        {
            return Fail(kind, PemKeyError.UnsupportedFormat, path, "it is a PuTTY key; export it from PuTTYgen as an OpenSSL (PEM) key");
        }

        if (text.StartsWith("ssh-", StringComparison.Ordinal))
        {
            return Fail(kind, PemKeyError.WrongKeyType, path, "it holds an OpenSSH public key, but signing needs the private key");
        }

        return Fail(
            kind,
            PemKeyError.Malformed,
            path,
            text.Length == 0
                ? "it is empty"
                : $"it holds no PEM block; expected -----BEGIN {(kind == "EC" ? "EC" : "RSA")} PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----");
    }

    private static string DescribeAlgorithm(string oid) => oid switch
    {
        RsaEncryptionOid => "an RSA",
        EcPublicKeyOid => "an EC",
        "1.3.101.112" => "an Ed25519",
        "1.3.101.113" => "an Ed448",
        "1.3.101.110" => "an X25519",
        "1.3.101.111" => "an X448",
        "1.2.840.10040.4.1" => "a DSA",
        "1.2.840.113549.1.1.10" => "an RSASSA-PSS-only",
        _ => $"an unsupported (algorithm {oid})",
    };

    private static PemKeyException WrongAlgorithm(string kind, string algorithm, string? path) =>
        Fail(kind, PemKeyError.WrongKeyType, path, $"it holds {algorithm} private key, but {(kind == "EC" ? "an EC" : "an RSA")} private key is needed");

    private static PemKeyException Fail(string kind, PemKeyError error, string? path, string reason, Exception? inner = null) =>
        new(error, path, $"Cannot load the {kind} private key from {(path is null ? "the PEM text" : $"'{path}'")}: {reason}.", inner);
}
