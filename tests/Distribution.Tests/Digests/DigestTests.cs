using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Tests.Digests;

public sealed class DigestTests
{
    private static readonly string Sha256Hex = Convert.ToHexStringLower(SHA256.HashData("hello"u8));
    private static readonly string Sha512Hex = Convert.ToHexStringLower(SHA512.HashData("hello"u8));

    [Fact]
    public void Parse_Sha256_KeepsAlgorithmAndHex()
    {
        var digest = Digest.Parse($"sha256:{Sha256Hex}");

        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal(Sha256Hex, digest.Hex);
        Assert.Equal($"sha256:{Sha256Hex}", digest.ToString());
    }

    [Fact]
    public void Parse_Sha512_KeepsAlgorithmAndHex()
    {
        var digest = Digest.Parse($"sha512:{Sha512Hex}");

        Assert.Equal("sha512", digest.Algorithm);
        Assert.Equal(Sha512Hex, digest.Hex);
    }

    [Theory]
    [InlineData("md5:5d41402abc4b2a76b9719d911017c592")]
    [InlineData("sha384:59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f")]
    [InlineData("SHA256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    public void Parse_UnknownAlgorithm_ThrowsDigestInvalid(string value)
    {
        var error = Assert.Throws<RegistryException>(() => Digest.Parse(value));

        Assert.Equal(ErrorCode.DigestInvalid, error.Error);
        Assert.Contains("unsupported digest algorithm", error.Message);
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(128)]
    public void Parse_Sha256WrongLength_ThrowsDigestInvalid(int length)
    {
        var hex = string.Concat(Enumerable.Repeat(Sha256Hex, 3))[..length];

        var error = Assert.Throws<RegistryException>(() => Digest.Parse($"sha256:{hex}"));

        Assert.Equal("DIGEST_INVALID", error.Error.Code);
    }

    [Fact]
    public void Parse_Sha512WithSha256Length_ThrowsDigestInvalid()
    {
        var error = Assert.Throws<RegistryException>(() => Digest.Parse($"sha512:{Sha256Hex}"));

        Assert.Equal(ErrorCode.DigestInvalid, error.Error);
    }

    [Fact]
    public void Parse_UpperCaseHex_ThrowsDigestInvalid()
    {
        var error = Assert.Throws<RegistryException>(() => Digest.Parse($"sha256:{Sha256Hex.ToUpperInvariant()}"));

        Assert.Equal(ErrorCode.DigestInvalid, error.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData(":2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982g")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n")]
    public void TryParse_Malformed_ReturnsFalseWithReason(string? value)
    {
        Assert.False(Digest.TryParse(value, out _, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.False(Digest.TryParse(value, out _));
    }

    [Fact]
    public void Parse_VeryLongValue_DetailIsTruncated()
    {
        var value = "sha256:" + new string('a', 5000);

        var error = Assert.Throws<RegistryException>(() => Digest.Parse(value));

        var body = Encoding.UTF8.GetString(ErrorBody.Serialize(error));
        Assert.True(body.Length < 1000, body);
    }

    [Fact]
    public void FromSha256Bytes_HashOfContent_EqualsParsedDigest()
    {
        var content = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}");

        var digest = Digest.FromSha256Bytes(SHA256.HashData(content));

        Assert.Equal(Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(content))), digest);
    }

    [Fact]
    public void Equality_SameText_EqualAndSameHash()
    {
        var a = Digest.Parse($"sha256:{Sha256Hex}");
        var b = Digest.Parse($"sha256:{Sha256Hex}");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Digest.Parse($"sha512:{Sha512Hex}"));
    }
}
