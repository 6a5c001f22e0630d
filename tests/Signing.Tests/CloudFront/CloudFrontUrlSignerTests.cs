using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Signing.CloudFront;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Signing.Tests.CloudFront;

public sealed class CloudFrontUrlSignerTests : IClassFixture<RsaKeyFixture>
{
    private const string KeyPairId = "K2JCJMDEHXQW5F";
    private const string Url = "https://d111111abcdef8.cloudfront.net/docker/registry/v2/blobs/sha256/ab/abcdef/data";

    // 2030-01-01T00:00:00.250Z: the quarter second checks that expiries are truncated, not rounded.
    private static readonly DateTimeOffset Start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(250);
    private static readonly long StartSeconds = Start.ToUnixTimeSeconds();

    private readonly RSA key;
    private readonly RSA publicKey;
    private readonly FakeTimeProvider time = new(Start);

    public CloudFrontUrlSignerTests(RsaKeyFixture keys)
    {
        key = keys.PrivateKey;
        publicKey = keys.PublicKey;
    }

    [Fact]
    public void SignCanned_Duration_ExpiresThatLongAfterProviderTime()
    {
        var signed = SignedUrl.Parse(Signer().SignCanned(new Uri(Url), TimeSpan.FromMinutes(5)));

        Assert.Equal((StartSeconds + 300).ToString(), signed["Expires"]);
    }

    [Fact]
    public void SignCanned_ClockAdvanced_ExpiryFollowsClock()
    {
        var signer = Signer();
        var first = SignedUrl.Parse(signer.SignCanned(new Uri(Url), TimeSpan.FromMinutes(5)));

        time.Advance(TimeSpan.FromMinutes(2));
        var second = SignedUrl.Parse(signer.SignCanned(new Uri(Url), TimeSpan.FromMinutes(5)));

        Assert.Equal(long.Parse(first["Expires"]) + 120, long.Parse(second["Expires"]));
        Assert.NotEqual(first["Signature"], second["Signature"]);
    }

    [Fact]
    public void SignCanned_ExplicitExpiry_SignatureVerifiesOverCannedPolicyWithPublicKey()
    {
        var expiry = DateTimeOffset.FromUnixTimeSeconds(StartSeconds + 3600);

        var signed = SignedUrl.Parse(Signer().SignCanned(new Uri(Url), expiry));

        Assert.Equal(["Expires", "Key-Pair-Id", "Signature"], signed.Parameters.Select(p => p.Key));
        Assert.Equal(Url, signed.BaseUrl);
        Assert.Equal(KeyPairId, signed["Key-Pair-Id"]);
        var cannedPolicy = CannedPolicy(Url, (StartSeconds + 3600).ToString());
        Assert.True(Verifies(cannedPolicy, signed["Signature"], HashAlgorithmName.SHA1));
        Assert.False(Verifies(cannedPolicy.Replace("/data", "/date"), signed["Signature"], HashAlgorithmName.SHA1));
    }

    [Fact]
    public void SignCanned_Sha256_AddsHashAlgorithmAndSignsWithSha256()
    {
        var signed = SignedUrl.Parse(Signer(CloudFrontHashAlgorithm.Sha256).SignCanned(new Uri(Url), TimeSpan.FromMinutes(1)));

        Assert.Equal(["Expires", "Key-Pair-Id", "Signature", "Hash-Algorithm"], signed.Parameters.Select(p => p.Key));
        Assert.Equal("SHA256", signed["Hash-Algorithm"]);
        var cannedPolicy = CannedPolicy(Url, signed["Expires"]);
        Assert.True(Verifies(cannedPolicy, signed["Signature"], HashAlgorithmName.SHA256));
        Assert.False(Verifies(cannedPolicy, signed["Signature"], HashAlgorithmName.SHA1));
    }

    [Fact]
    public void SignCanned_Sha1_HasNoHashAlgorithmParameter()
    {
        var signed = SignedUrl.Parse(Signer(CloudFrontHashAlgorithm.Sha1).SignCanned(new Uri(Url), TimeSpan.FromMinutes(1)));

        Assert.False(signed.Has("Hash-Algorithm"));
    }

    [Fact]
    public void SignCanned_UrlWithoutQuery_StartsParametersWithQuestionMark()
    {
        var signed = Signer().SignCanned(new Uri(Url), TimeSpan.FromMinutes(1));

        Assert.StartsWith(Url + "?Expires=", signed, StringComparison.Ordinal);
    }

    [Fact]
    public void SignCanned_UrlWithQuery_AppendsWithAmpersandAndSignsTheQuery()
    {
        const string url = Url + "?ns=docker.io&tag=latest";

        var raw = Signer().SignCanned(new Uri(url), TimeSpan.FromMinutes(1));

        Assert.StartsWith(url + "&Expires=", raw, StringComparison.Ordinal);
        Assert.Single(raw, '?');
        var signed = SignedUrl.Parse(raw);
        var cannedPolicy = CannedPolicy(url, signed["Expires"]);
        Assert.True(Verifies(cannedPolicy, signed["Signature"], HashAlgorithmName.SHA1));
    }

    [Fact]
    public void SignCanned_EmptyQuery_UsesSingleQuestionMark()
    {
        var signed = Signer().SignCanned(new Uri(Url + "?"), TimeSpan.FromMinutes(1));

        Assert.StartsWith(Url + "?Expires=", signed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Expires=1257894000")]
    [InlineData("Policy=eyJ9")]
    [InlineData("Signature=abc")]
    [InlineData("Key-Pair-Id=K2JCJMDEHXQW5F")]
    [InlineData("Hash-Algorithm=SHA256")]
    [InlineData("Key%2DPair-Id=K2JCJMDEHXQW5F")]
    [InlineData("a=1&Signature")]
    public void SignCanned_UrlAlreadyCarriesSigningParameter_ThrowsArgumentException(string query)
    {
        var error = Assert.Throws<ArgumentException>(() => Signer().SignCanned(new Uri(Url + "?" + query), TimeSpan.FromMinutes(1)));

        Assert.Equal("url", error.ParamName);
        Assert.Contains("reserves", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignCustom_UrlAlreadyCarriesSigningParameter_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => Signer().SignCustom(new Uri(Url + "?Policy=x"), TimeSpan.FromMinutes(1)));

        Assert.Equal("url", error.ParamName);
    }

    [Fact]
    public void SignCanned_ParameterNamesThatOnlyResembleSigningOnes_Signs()
    {
        var signed = Signer().SignCanned(new Uri(Url + "?expires=1&X-Signature=2"), TimeSpan.FromMinutes(1));

        Assert.StartsWith(Url + "?expires=1&X-Signature=2&Expires=", signed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/relative/path")]
    [InlineData("ftp://d111111abcdef8.cloudfront.net/a")]
    [InlineData("https://d111111abcdef8.cloudfront.net/a#part")]
    [InlineData("https://caf\u00e9.example/a")]
    public void SignCanned_UnsignableUrl_ThrowsArgumentException(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => Signer().SignCanned(new Uri(url, UriKind.RelativeOrAbsolute), TimeSpan.FromMinutes(1)));

        Assert.Equal("url", error.ParamName);
    }

    [Fact]
    public void SignCanned_ExpiryInThePast_ThrowsArgumentOutOfRangeException()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Signer().SignCanned(new Uri(Url), Start.AddSeconds(-1)));

        Assert.Equal("expiresAt", error.ParamName);
    }

    [Fact]
    public void SignCanned_ExpiryWithinCurrentSecond_ThrowsArgumentOutOfRangeException()
    {
        // 250 ms + 500 ms is still the same whole second, which CloudFront already treats as expired.
        Assert.Throws<ArgumentOutOfRangeException>(() => Signer().SignCanned(new Uri(Url), TimeSpan.FromMilliseconds(500)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public void SignCanned_NonPositiveDuration_ThrowsArgumentOutOfRangeException(int seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Signer().SignCanned(new Uri(Url), TimeSpan.FromSeconds(seconds)));

        Assert.Equal("validFor", error.ParamName);
    }

    [Fact]
    public void SignCustom_StartAndSourceIp_PolicyCarriesConditionsAndSignatureVerifies()
    {
        var validFrom = Start.AddMinutes(10);

        var signed = SignedUrl.Parse(Signer().SignCustom(new Uri(Url), TimeSpan.FromHours(1), "203.0.113.9", validFrom));

        Assert.Equal(["Policy", "Key-Pair-Id", "Signature"], signed.Parameters.Select(p => p.Key));
        var policy = Encoding.UTF8.GetString(CloudFrontBase64.Decode(signed["Policy"]));
        Assert.Equal(
            "{\"Statement\":[{\"Resource\":\"" + Url + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + (StartSeconds + 3600)
                + "},\"DateGreaterThan\":{\"AWS:EpochTime\":" + (StartSeconds + 600)
                + "},\"IpAddress\":{\"AWS:SourceIp\":\"203.0.113.9/32\"}}}]}",
            policy);
        Assert.True(Verifies(policy, signed["Signature"], HashAlgorithmName.SHA1));
    }

    [Fact]
    public void SignCustom_OnlyDuration_PolicyHasOnlyDateLessThan()
    {
        var signed = SignedUrl.Parse(Signer().SignCustom(new Uri(Url), TimeSpan.FromSeconds(30)));

        var policy = Encoding.UTF8.GetString(CloudFrontBase64.Decode(signed["Policy"]));
        Assert.Equal(
            CannedPolicy(Url, (StartSeconds + 30).ToString()),
            policy);
    }

    [Fact]
    public void SignCustom_Sha256_SignatureVerifiesWithSha256()
    {
        var signed = SignedUrl.Parse(Signer(CloudFrontHashAlgorithm.Sha256).SignCustom(new Uri(Url), TimeSpan.FromSeconds(30), "198.51.100.0/24"));

        var policy = Encoding.UTF8.GetString(CloudFrontBase64.Decode(signed["Policy"]));
        Assert.Equal("SHA256", signed["Hash-Algorithm"]);
        Assert.True(Verifies(policy, signed["Signature"], HashAlgorithmName.SHA256));
    }

    [Fact]
    public void SignCustom_InvalidSourceIp_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Signer().SignCustom(new Uri(Url), TimeSpan.FromMinutes(1), "203.0.113.300/24"));
    }

    [Fact]
    public void SignCustom_StartAfterExpiry_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Signer().SignCustom(new Uri(Url), TimeSpan.FromMinutes(1), validFrom: Start.AddMinutes(2)));
    }

    [Fact]
    public void SignCustom_WildcardPolicy_SamePolicyAndSignatureForEveryCoveredUrl()
    {
        var policy = new CloudFrontPolicy("https://d111111abcdef8.cloudfront.net/docker/registry/v2/blobs/*", Start.AddHours(1));
        var signer = Signer();

        var first = SignedUrl.Parse(signer.SignCustom(new Uri(Url), policy));
        var second = SignedUrl.Parse(signer.SignCustom(new Uri("https://d111111abcdef8.cloudfront.net/docker/registry/v2/blobs/sha256/cd/cdef/data"), policy));

        Assert.Equal(first["Policy"], second["Policy"]);
        Assert.Equal(first["Signature"], second["Signature"]);
        Assert.Equal(policy.ToJson(), Encoding.UTF8.GetString(CloudFrontBase64.Decode(first["Policy"])));
        Assert.True(Verifies(policy.ToJson(), first["Signature"], HashAlgorithmName.SHA1));
    }

    [Fact]
    public void SignCustom_PolicyNotCoveringUrl_ThrowsArgumentException()
    {
        var policy = new CloudFrontPolicy("https://d111111abcdef8.cloudfront.net/manifests/*", Start.AddHours(1));

        var error = Assert.Throws<ArgumentException>(() => Signer().SignCustom(new Uri(Url), policy));

        Assert.Equal("policy", error.ParamName);
        Assert.Contains("does not cover", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignCustom_ExpiredPolicy_ThrowsArgumentOutOfRangeException()
    {
        var policy = new CloudFrontPolicy(Url, Start.AddMinutes(1));
        var signer = Signer();

        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => signer.SignCustom(new Uri(Url), policy));
    }

    [Theory]
    [InlineData("")]
    [InlineData("K2JCJ MDEH")]
    [InlineData("K2JCJ&x=1")]
    public void Constructor_InvalidKeyPairId_ThrowsArgumentException(string keyPairId)
    {
        var error = Assert.Throws<ArgumentException>(() => new CloudFrontUrlSigner(keyPairId, key, time));

        Assert.Equal("keyPairId", error.ParamName);
    }

    private CloudFrontUrlSigner Signer(CloudFrontHashAlgorithm algorithm = CloudFrontHashAlgorithm.Sha1) =>
        new(KeyPairId, key, time, algorithm);

    // The canned policy as CloudFront's guide spells it, written out independently of CloudFrontPolicy.
    private static string CannedPolicy(string url, string expires) =>
        "{\"Statement\":[{\"Resource\":\"" + url + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + expires + "}}}]}";

    private bool Verifies(string policy, string signature, HashAlgorithmName algorithm) =>
        publicKey.VerifyData(Encoding.UTF8.GetBytes(policy), CloudFrontBase64.Decode(signature), algorithm, RSASignaturePadding.Pkcs1);
}
