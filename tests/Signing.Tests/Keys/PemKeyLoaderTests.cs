using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeRegistry.Signing.Keys;

namespace EdgeRegistry.Signing.Tests.Keys;

public sealed class PemKeyLoaderTests : IClassFixture<PemKeyLoaderTests.KeyMaterial>, IDisposable
{
    private readonly KeyMaterial keys;
    private readonly TempDirectory directory = new();

    public PemKeyLoaderTests(KeyMaterial keys) => this.keys = keys;

    [Theory]
    [InlineData("pkcs1")]
    [InlineData("pkcs8")]
    [InlineData("pkcs1-crlf")]
    [InlineData("certificate-then-key")]
    [InlineData("text-around-key")]
    public void LoadRsaPrivateKey_UnencryptedRsaKey_ReturnsTheSameKey(string form)
    {
        var path = directory.WriteFile("key.pem", ValidContent(form));

        using var loaded = PemKeyLoader.LoadRsaPrivateKey(path);

        Assert.Equal(keys.Rsa.ExportParameters(false).Modulus, loaded.ExportParameters(false).Modulus);
        var data = Encoding.UTF8.GetBytes("policy");
        var signature = loaded.SignData(data, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
        Assert.True(keys.Rsa.VerifyData(data, signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void ParseRsaPrivateKey_Pkcs8Text_ReturnsTheSameKey()
    {
        using var loaded = PemKeyLoader.ParseRsaPrivateKey(keys.Rsa.ExportPkcs8PrivateKeyPem());

        Assert.Equal(keys.Rsa.ExportParameters(false).Modulus, loaded.ExportParameters(false).Modulus);
    }

    [Fact]
    public void LoadRsaPrivateKey_MissingFile_ThrowsFileNotFound()
    {
        var path = Path.Combine(directory.Path, "absent.pem");

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadRsaPrivateKey(path));

        Assert.Equal(PemKeyError.FileNotFound, error.Error);
        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadRsaPrivateKey_MissingDirectory_ThrowsFileNotFound()
    {
        var path = Path.Combine(directory.Path, "no-such-dir", "key.pem");

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadRsaPrivateKey(path));

        Assert.Equal(PemKeyError.FileNotFound, error.Error);
    }

    [Fact]
    public void LoadRsaPrivateKey_PathIsDirectory_ThrowsUnreadable()
    {
        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadRsaPrivateKey(directory.Path));

        Assert.Equal(PemKeyError.Unreadable, error.Error);
        Assert.Contains("directory", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("encrypted-pkcs8", PemKeyError.Encrypted, "ENCRYPTED PRIVATE KEY")]
    [InlineData("encrypted-pkcs1", PemKeyError.Encrypted, "Proc-Type: 4,ENCRYPTED")]
    [InlineData("ec-sec1", PemKeyError.WrongKeyType, "an EC private key")]
    [InlineData("ec-pkcs8", PemKeyError.WrongKeyType, "an EC private key")]
    [InlineData("public-key", PemKeyError.WrongKeyType, "public key (PUBLIC KEY)")]
    [InlineData("rsa-public-key", PemKeyError.WrongKeyType, "public key (RSA PUBLIC KEY)")]
    [InlineData("ssh-public-key", PemKeyError.WrongKeyType, "OpenSSH public key")]
    [InlineData("certificate", PemKeyError.WrongKeyType, "certificate")]
    [InlineData("openssh-private-key", PemKeyError.UnsupportedFormat, "ssh-keygen")]
    [InlineData("garbage", PemKeyError.Malformed, "no PEM block")]
    [InlineData("empty", PemKeyError.Malformed, "empty")]
    [InlineData("bad-base64", PemKeyError.Malformed, "not valid base64")]
    [InlineData("pkcs1-not-a-key", PemKeyError.Malformed, "PKCS#1 RSA key is not valid")]
    [InlineData("pkcs8-not-der", PemKeyError.Malformed, "PKCS#8 structure is not valid")]
    [InlineData("pkcs1-trailing-bytes", PemKeyError.Malformed, "trailing data")]
    [InlineData("two-keys", PemKeyError.Malformed, "2 private keys")]
    [InlineData("unterminated", PemKeyError.Malformed, "no END line")]
    [InlineData("mismatched-end", PemKeyError.Malformed, "ends with the label")]
    public void LoadRsaPrivateKey_UnusableContent_ThrowsTypedError(string form, PemKeyError expected, string reason)
    {
        var path = directory.WriteFile(form + ".pem", InvalidContent(form));

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadRsaPrivateKey(path));

        Assert.Equal(expected, error.Error);
        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Cannot load the RSA private key from '{path}': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadRsaPrivateKey_BinaryGarbage_ThrowsMalformed()
    {
        var path = Path.Combine(directory.Path, "random.bin");
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(512));

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadRsaPrivateKey(path));

        Assert.Equal(PemKeyError.Malformed, error.Error);
    }

    [Fact]
    public void LoadRsaPrivateKey_HugeFile_ThrowsMalformedWithoutReadingIt()
    {
        var path = Path.Combine(directory.Path, "huge.pem");
        using (var file = File.Create(path))
        {
            file.SetLength(2 * 1024 * 1024);
        }

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadRsaPrivateKey(path));

        Assert.Equal(PemKeyError.Malformed, error.Error);
        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseRsaPrivateKey_EcKeyText_ThrowsWrongKeyTypeWithoutPath()
    {
        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.ParseRsaPrivateKey(keys.Ec.ExportECPrivateKeyPem()));

        Assert.Equal(PemKeyError.WrongKeyType, error.Error);
        Assert.Null(error.Path);
        Assert.StartsWith("Cannot load the RSA private key from the PEM text: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadRsaPrivateKey_MalformedKey_MessageCarriesNoKeyMaterial()
    {
        var body = Convert.ToBase64String(RandomNumberGenerator.GetBytes(96));
        var path = directory.WriteFile("key.pem", $"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadRsaPrivateKey(path));

        Assert.DoesNotContain(body[..16], error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sec1")]
    [InlineData("pkcs8")]
    [InlineData("libtrust")]
    public void LoadEcPrivateKey_UnencryptedEcKey_ReturnsTheSameKey(string form)
    {
        var pem = form switch
        {
            "sec1" => keys.Ec.ExportECPrivateKeyPem(),
            "pkcs8" => keys.Ec.ExportPkcs8PrivateKeyPem(),
            // libtrust (and so distribution's schema1 signing key file) writes a keyID header into the block.
            _ => keys.Ec.ExportECPrivateKeyPem().Replace(
                "-----BEGIN EC PRIVATE KEY-----\n",
                "-----BEGIN EC PRIVATE KEY-----\nkeyID: OZ45:U3IG:TDOI:PMBD:NGP2:LDIW:II2U:PSBI:MMCZ:YZUP:TUUO:XPZT\n\n",
                StringComparison.Ordinal),
        };
        var path = directory.WriteFile("ec.pem", pem);

        using var loaded = PemKeyLoader.LoadEcPrivateKey(path);

        Assert.Equal(keys.Ec.ExportParameters(false).Q.X, loaded.ExportParameters(false).Q.X);
        var data = Encoding.UTF8.GetBytes("manifest");
        Assert.True(keys.Ec.VerifyData(data, loaded.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Theory]
    [InlineData("pkcs1")]
    [InlineData("pkcs8")]
    public void LoadEcPrivateKey_RsaKey_ThrowsWrongKeyType(string form)
    {
        var path = directory.WriteFile("rsa.pem", ValidContent(form));

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadEcPrivateKey(path));

        Assert.Equal(PemKeyError.WrongKeyType, error.Error);
        Assert.Equal($"Cannot load the EC private key from '{path}': it holds an RSA private key, but an EC private key is needed.", error.Message);
    }

    [Fact]
    public void ParseEcPrivateKey_EncryptedKey_ThrowsEncrypted()
    {
        var pem = keys.Ec.ExportEncryptedPkcs8PrivateKeyPem("passphrase", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1));

        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.ParseEcPrivateKey(pem));

        Assert.Equal(PemKeyError.Encrypted, error.Error);
    }

    [Fact]
    public void LoadEcPrivateKey_MissingFile_ThrowsFileNotFound()
    {
        var error = Assert.Throws<PemKeyException>(() => PemKeyLoader.LoadEcPrivateKey(Path.Combine(directory.Path, "absent.pem")));

        Assert.Equal(PemKeyError.FileNotFound, error.Error);
    }

    public void Dispose() => directory.Dispose();

    private string ValidContent(string form) => form switch
    {
        "pkcs1" => keys.Rsa.ExportRSAPrivateKeyPem(),
        "pkcs8" => keys.Rsa.ExportPkcs8PrivateKeyPem(),
        "pkcs1-crlf" => keys.Rsa.ExportRSAPrivateKeyPem().ReplaceLineEndings("\r\n"),
        "certificate-then-key" => keys.CertificatePem + "\n" + keys.Rsa.ExportPkcs8PrivateKeyPem() + "\n",
        "text-around-key" => "Key for CloudFront key group edge-registry\n" + keys.Rsa.ExportRSAPrivateKeyPem() + "\n# end\n",
        _ => throw new ArgumentOutOfRangeException(nameof(form)),
    };

    private string InvalidContent(string form) => form switch
    {
        "encrypted-pkcs8" => keys.Rsa.ExportEncryptedPkcs8PrivateKeyPem(
            "passphrase",
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1)),
        // OpenSSL's traditional encryption: PKCS#1 armour with RFC 1421 headers; the body is opaque ciphertext.
        "encrypted-pkcs1" => "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n"
            + Wrap(RandomNumberGenerator.GetBytes(1200)) + "-----END RSA PRIVATE KEY-----\n",
        "ec-sec1" => keys.Ec.ExportECPrivateKeyPem(),
        "ec-pkcs8" => keys.Ec.ExportPkcs8PrivateKeyPem(),
        "public-key" => keys.Rsa.ExportSubjectPublicKeyInfoPem(),
        "rsa-public-key" => keys.Rsa.ExportRSAPublicKeyPem(),
        "ssh-public-key" => "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host\n",
        "certificate" => keys.CertificatePem,
        "openssh-private-key" => "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n",
        "garbage" => "this is not a key\nat all\n",
        "empty" => "\n\n",
        "bad-base64" => "-----BEGIN PRIVATE KEY-----\nMIIE!!!not*base64\n-----END PRIVATE KEY-----\n",
        "pkcs1-not-a-key" => "-----BEGIN RSA PRIVATE KEY-----\n" + Wrap(RandomNumberGenerator.GetBytes(300)) + "-----END RSA PRIVATE KEY-----\n",
        "pkcs8-not-der" => "-----BEGIN PRIVATE KEY-----\n" + Wrap(Encoding.ASCII.GetBytes("plain text, not DER")) + "-----END PRIVATE KEY-----\n",
        "pkcs1-trailing-bytes" => "-----BEGIN RSA PRIVATE KEY-----\n" + Wrap([.. keys.Rsa.ExportRSAPrivateKey(), 0x00, 0x00]) + "-----END RSA PRIVATE KEY-----\n",
        "two-keys" => keys.Rsa.ExportRSAPrivateKeyPem() + "\n" + keys.Rsa.ExportPkcs8PrivateKeyPem(),
        "unterminated" => keys.Rsa.ExportRSAPrivateKeyPem().Split("-----END")[0],
        "mismatched-end" => keys.Rsa.ExportRSAPrivateKeyPem().Replace("END RSA PRIVATE KEY", "END PRIVATE KEY", StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(form)),
    };

    private static string Wrap(byte[] bytes) =>
        Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks).ReplaceLineEndings("\n") + "\n";

    /// <summary>Keys and a certificate generated once for the whole class.</summary>
    public sealed class KeyMaterial : IDisposable
    {
        public KeyMaterial()
        {
            var request = new CertificateRequest("CN=edge-registry-test", Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(40), DateTimeOffset.UnixEpoch.AddYears(41));
            CertificatePem = certificate.ExportCertificatePem();
        }

        public RSA Rsa { get; } = RSA.Create(2048);

        public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public string CertificatePem { get; }

        public void Dispose()
        {
            Rsa.Dispose();
            Ec.Dispose();
        }
    }
}
