using System.Formats.Asn1;
using System.Security.Cryptography;

namespace EdgeRegistry.Signing.Keys;

/// <summary>
/// Loads unencrypted RSA private keys from PEM, in PKCS#1 (<c>-----BEGIN RSA PRIVATE KEY-----</c>) or
/// PKCS#8 (<c>-----BEGIN PRIVATE KEY-----</c>) form, and says precisely why when it cannot.
/// </summary>
/// <remarks>
/// Text around the PEM blocks is ignored, and so are certificates or public keys next to the private
/// key (a combined "cert + key" file loads). Exactly one private key must be present.
/// </remarks>
public static class PemKeyLoader
{
    // A PEM RSA key of 16384 bits is under 13 KiB; anything much larger is the wrong file.
    private const long MaxFileBytes = 1024 * 1024;

    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";

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
        return ParseRsaPrivateKey(ReadKeyFile(path), path);
    }

    /// <summary>Reads the RSA private key in <paramref name="pem"/> (for a key held in configuration or a secret).</summary>
    /// <returns>The key; the caller owns and disposes it.</returns>
    /// <exception cref="PemKeyException">The key is encrypted, is not an RSA private key, is in an unsupported format, or the content is malformed.</exception>
    public static RSA ParseRsaPrivateKey(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        return ParseRsaPrivateKey(pem, path: null);
    }

    private static string ReadKeyFile(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                throw Fail(PemKeyError.Unreadable, path, "it is a directory, not a key file");
            }

            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw Fail(PemKeyError.FileNotFound, path, "the file does not exist");
            }

            if (file.Length > MaxFileBytes)
            {
                throw Fail(PemKeyError.Malformed, path, $"the file is {file.Length} bytes, far too large for a PEM key");
            }

            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail(PemKeyError.FileNotFound, path, "the file does not exist", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw Fail(PemKeyError.Unreadable, path, $"the file cannot be read ({e.Message})", e);
        }
    }

    private static RSA ParseRsaPrivateKey(string pem, string? path)
    {
        IReadOnlyList<PemBlock> blocks;
        try
        {
            blocks = PemBlock.FindAll(pem);
        }
        catch (FormatException e)
        {
            throw Fail(PemKeyError.Malformed, path, e.Message, e);
        }

        var privateKeys = blocks.Where(b => b.Label.EndsWith("PRIVATE KEY", StringComparison.Ordinal)).ToList();
        if (privateKeys.Count == 0)
        {
            throw NoPrivateKey(pem, blocks, path);
        }

        if (privateKeys.Count > 1)
        {
            throw Fail(PemKeyError.Malformed, path, $"it holds {privateKeys.Count} private keys; expected exactly one");
        }

        var block = privateKeys[0];
        if (block.Label == "ENCRYPTED PRIVATE KEY" || block.IsProcTypeEncrypted)
        {
            throw Fail(
                PemKeyError.Encrypted,
                path,
                $"the key is encrypted with a passphrase ({(block.IsProcTypeEncrypted ? "Proc-Type: 4,ENCRYPTED" : "ENCRYPTED PRIVATE KEY")}); store it unencrypted with restrictive file permissions (openssl pkey -in encrypted.pem -out key.pem)");
        }

        return block.Label switch
        {
            "RSA PRIVATE KEY" => ImportPkcs1(block, path),
            "PRIVATE KEY" => ImportPkcs8(block, path),
            "EC PRIVATE KEY" => throw WrongAlgorithm("an EC", path),
            "DSA PRIVATE KEY" => throw WrongAlgorithm("a DSA", path),
            "OPENSSH PRIVATE KEY" => throw Fail(
                PemKeyError.UnsupportedFormat,
                path,
                "it is an OpenSSH private key; convert a copy to PEM with ssh-keygen -p -m PEM -f <copy>"),
            _ => throw Fail(PemKeyError.UnsupportedFormat, path, $"'{block.Label}' is not a supported private key format; expected RSA PRIVATE KEY or PRIVATE KEY"),
        };
    }

    private static RSA ImportPkcs1(PemBlock block, string? path)
    {
        var der = Decode(block, path);
        return Import(der, path, "PKCS#1", (rsa, bytes) => { rsa.ImportRSAPrivateKey(bytes, out var read); return read; });
    }

    private static RSA ImportPkcs8(PemBlock block, string? path)
    {
        var der = Decode(block, path);
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
            throw Fail(PemKeyError.Malformed, path, "the PKCS#8 structure is not valid DER", e);
        }

        if (algorithm != RsaEncryptionOid)
        {
            CryptographicOperations.ZeroMemory(der);
            throw WrongAlgorithm(DescribeAlgorithm(algorithm), path);
        }

        return Import(der, path, "PKCS#8", (rsa, bytes) => { rsa.ImportPkcs8PrivateKey(bytes, out var read); return read; });
    }

    private static RSA Import(byte[] der, string? path, string format, Func<RSA, byte[], int> import)
    {
        var rsa = RSA.Create();
        try
        {
            var read = import(rsa, der);
            if (read != der.Length)
            {
                throw Fail(PemKeyError.Malformed, path, $"the {format} key has {der.Length - read} bytes of trailing data");
            }

            return rsa;
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw Fail(PemKeyError.Malformed, path, $"the {format} RSA key is not valid ({e.Message})", e);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static byte[] Decode(PemBlock block, string? path) =>
        block.TryDecode(out var der)
            ? der
            : throw Fail(PemKeyError.Malformed, path, $"the '{block.Label}' block is not valid base64");

    private static PemKeyException NoPrivateKey(string pem, IReadOnlyList<PemBlock> blocks, string? path)
    {
        if (blocks.FirstOrDefault(b => b.Label.EndsWith("PUBLIC KEY", StringComparison.Ordinal)) is { } publicKey)
        {
            return Fail(PemKeyError.WrongKeyType, path, $"it holds a public key ({publicKey.Label}), but signing needs the private key");
        }

        if (blocks.FirstOrDefault(b => b.Label.Contains("CERTIFICATE", StringComparison.Ordinal)) is { } certificate)
        {
            return Fail(PemKeyError.WrongKeyType, path, $"it holds a certificate ({certificate.Label}), but signing needs the private key");
        }

        if (blocks.Count > 0)
        {
            return Fail(PemKeyError.Malformed, path, $"it holds no private key (found {string.Join(", ", blocks.Select(b => b.Label))})");
        }

        var text = pem.TrimStart();
        if (text.StartsWith("PuTTY-User-Key-File", StringComparison.Ordinal))
        {
            return Fail(PemKeyError.UnsupportedFormat, path, "it is a PuTTY key; export it from PuTTYgen as an OpenSSL (PEM) key");
        }

        if (text.StartsWith("ssh-", StringComparison.Ordinal))
        {
            return Fail(PemKeyError.WrongKeyType, path, "it holds an OpenSSH public key, but signing needs the private key");
        }

        return Fail(
            PemKeyError.Malformed,
            path,
            text.Length == 0
                ? "it is empty"
                : "it holds no PEM block; expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----");
    }

    private static string DescribeAlgorithm(string oid) => oid switch
    {
        "1.2.840.10045.2.1" => "an EC",
        "1.3.101.112" => "an Ed25519",
        "1.3.101.113" => "an Ed448",
        "1.3.101.110" => "an X25519",
        "1.3.101.111" => "an X448",
        "1.2.840.10040.4.1" => "a DSA",
        "1.2.840.113549.1.1.10" => "an RSASSA-PSS-only",
        _ => $"a non-RSA (algorithm {oid})",
    };

    private static PemKeyException WrongAlgorithm(string algorithm, string? path) =>
        Fail(PemKeyError.WrongKeyType, path, $"it holds {algorithm} private key, but an RSA private key is needed");

    private static PemKeyException Fail(PemKeyError error, string? path, string reason, Exception? inner = null) =>
        new(error, path, $"Cannot load the RSA private key from {(path is null ? "the PEM text" : $"'{path}'")}: {reason}.", inner);
}
