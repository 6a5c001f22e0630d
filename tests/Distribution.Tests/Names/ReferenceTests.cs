using System.Security.Cryptography;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Distribution.Tests.Names;

public sealed class ReferenceTests
{
    private static readonly string DigestText = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("manifest"u8));

    [Fact]
    public void Parse_Tag_IsTag()
    {
        var reference = Reference.Parse("v1.0", ErrorCode.ManifestUnknown);

        Assert.False(reference.IsDigest);
        Assert.Equal("v1.0", reference.Tag);
        Assert.Null(reference.Digest);
        Assert.Equal("v1.0", reference.ToString());
    }

    [Fact]
    public void Parse_Digest_IsDigest()
    {
        var reference = Reference.Parse(DigestText, ErrorCode.ManifestUnknown);

        Assert.True(reference.IsDigest);
        Assert.Null(reference.Tag);
        Assert.Equal(Digest.Parse(DigestText), reference.Digest);
        Assert.Equal(DigestText, reference.ToString());
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("md5:5d41402abc4b2a76b9719d911017c592")]
    [InlineData("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824")]
    [InlineData("latest:")]
    public void Parse_MalformedDigest_DigestInvalid(string value)
    {
        var error = Assert.Throws<RegistryException>(() => Reference.Parse(value, ErrorCode.ManifestUnknown));

        Assert.Equal(ErrorCode.DigestInvalid, error.Error);
    }

    [Theory]
    [InlineData(".bad")]
    [InlineData("")]
    [InlineData("a b")]
    public void Parse_InvalidTag_ThrowsGivenCode(string value)
    {
        var onPull = Assert.Throws<RegistryException>(() => Reference.Parse(value, ErrorCode.ManifestUnknown));
        var onPush = Assert.Throws<RegistryException>(() => Reference.Parse(value, ErrorCode.ManifestInvalid));

        Assert.Equal(ErrorCode.ManifestUnknown, onPull.Error);
        Assert.Equal(ErrorCode.ManifestInvalid, onPush.Error);
    }
}
