using System.Security.Cryptography;
using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Distribution.Tests.Digests;

public sealed class DigestHasherTests
{
    [Fact]
    public void Compute_Sha256_MatchesSha256OfContent()
    {
        var content = RandomNumberGenerator.GetBytes(4096);

        var digest = DigestHasher.Compute(content);

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(content)), digest.ToString());
    }

    [Fact]
    public void Compute_Sha512_MatchesSha512OfContent()
    {
        var content = RandomNumberGenerator.GetBytes(4096);

        var digest = DigestHasher.Compute(content, Digest.Sha512);

        Assert.Equal("sha512:" + Convert.ToHexStringLower(SHA512.HashData(content)), digest.ToString());
    }

    [Fact]
    public void Append_InPieces_EqualsOneShotAndContinuesAfterCurrent()
    {
        var content = RandomNumberGenerator.GetBytes(1000);
        using var hasher = new DigestHasher();

        hasher.Append(content.AsSpan(0, 300));
        var partial = hasher.Current();
        hasher.Append(content.AsSpan(300));

        Assert.Equal(DigestHasher.Compute(content.AsSpan(0, 300)), partial);
        Assert.Equal(DigestHasher.Compute(content), hasher.Current());
    }

    [Fact]
    public void Constructor_UnknownAlgorithm_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DigestHasher("md5"));
    }
}
