using System.Text;
using EdgeRegistry.Signing.CloudFront;

namespace EdgeRegistry.Signing.Tests.CloudFront;

public sealed class CloudFrontPolicyTests
{
    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeSeconds(1257894000);

    [Fact]
    public void ToJson_PublishedCannedVector_EncodesToPublishedBase64()
    {
        var policy = new CloudFrontPolicy("https://example.com/a", Expiry);

        var encoded = CloudFrontBase64.Encode(Encoding.UTF8.GetBytes(policy.ToJson()));

        Assert.Equal(
            "eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9hIiwiQ29uZGl0aW9uIjp7IkRhdGVMZXNzVGhhbiI6eyJBV1M6RXBvY2hUaW1lIjoxMjU3ODk0MDAwfX19XX0_",
            encoded);
    }

    [Fact]
    public void ToJson_AllConditions_WritesCompactJsonInSdkKeyOrder()
    {
        var policy = new CloudFrontPolicy("https://d111111abcdef8.cloudfront.net/v2/*", Expiry)
        {
            DateGreaterThan = Expiry.AddHours(-1),
            SourceIp = "192.0.2.0/24",
        };

        Assert.Equal(
            """{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/v2/*","Condition":{"DateLessThan":{"AWS:EpochTime":1257894000},"DateGreaterThan":{"AWS:EpochTime":1257890400},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}""",
            policy.ToJson());
    }

    [Fact]
    public void ToJson_FractionalSeconds_TruncatesToWholeSeconds()
    {
        var policy = new CloudFrontPolicy("https://example.com/a", Expiry.AddMilliseconds(999));

        Assert.Contains("\"AWS:EpochTime\":1257894000}", policy.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_QuoteInResource_EscapesIt()
    {
        var policy = new CloudFrontPolicy("https://example.com/\"a\\", Expiry);

        Assert.StartsWith("{\"Statement\":[{\"Resource\":\"https://example.com/\\\"a\\\\\",", policy.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_StartNotBeforeExpiry_ThrowsArgumentException()
    {
        var policy = new CloudFrontPolicy("https://example.com/a", Expiry) { DateGreaterThan = Expiry.AddMilliseconds(500) };

        var error = Assert.Throws<ArgumentException>(() => policy.ToJson());
        Assert.Contains("DateGreaterThan", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7/32")]
    [InlineData("192.0.2.0/24", "192.0.2.0/24")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("010.001.000.255/8", "10.1.0.255/8")]
    public void SourceIp_ValidIpv4Range_IsStoredAsCidr(string value, string expected)
    {
        var policy = new CloudFrontPolicy("https://example.com/a", Expiry) { SourceIp = value };

        Assert.Equal(expected, policy.SourceIp);
        Assert.Contains($"\"IpAddress\":{{\"AWS:SourceIp\":\"{expected}\"}}", policy.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("192.0.2")]
    [InlineData("192.0.2.1.5")]
    [InlineData("192.0.2.256")]
    [InlineData("192.0.2.-1")]
    [InlineData("192.0.2.1/33")]
    [InlineData("192.0.2.1/")]
    [InlineData("/24")]
    [InlineData("192.0.2.1/24/8")]
    [InlineData(" 192.0.2.1")]
    [InlineData("192.0.2.x")]
    [InlineData("2001:db8::/32")]
    public void SourceIp_InvalidRange_ThrowsArgumentException(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => new CloudFrontPolicy("https://example.com/a", Expiry) { SourceIp = value });

        Assert.Equal("SourceIp", error.ParamName);
        Assert.Contains("CIDR", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://example.com/a b")]
    [InlineData("https://example.com/caf\u00e9")]
    [InlineData("https://example.com/a\n")]
    public void Constructor_ResourceNotPrintableAscii_ThrowsArgumentException(string resource)
    {
        var error = Assert.Throws<ArgumentException>(() => new CloudFrontPolicy(resource, Expiry));

        Assert.Equal("Resource", error.ParamName);
    }

    [Fact]
    public void Constructor_DateAtEpoch_ThrowsArgumentOutOfRangeException()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CloudFrontPolicy("https://example.com/a", DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("https://cdn.example.com/blobs/*", "https://cdn.example.com/blobs/sha256/ab/data", true)]
    [InlineData("https://cdn.example.com/blobs/*", "https://cdn.example.com/blobs/", true)]
    [InlineData("https://cdn.example.com/blobs/*", "https://cdn.example.com/manifests/x", false)]
    [InlineData("http*://cdn.example.com/*/data", "https://cdn.example.com/a/b/data", true)]
    [InlineData("http*://cdn.example.com/*/data", "https://cdn.example.com/a/b/data2", false)]
    [InlineData("https://cdn.example.com/v?/x", "https://cdn.example.com/v2/x", true)]
    [InlineData("https://cdn.example.com/v?/x", "https://cdn.example.com/v22/x", false)]
    [InlineData("*", "https://anything.example/", true)]
    [InlineData("https://cdn.example.com/a", "https://cdn.example.com/a", true)]
    [InlineData("https://cdn.example.com/a", "https://cdn.example.com/ab", false)]
    public void Covers_WildcardResource_MatchesLikeCloudFront(string resource, string url, bool expected)
    {
        var policy = new CloudFrontPolicy(resource, Expiry);

        Assert.Equal(expected, policy.Covers(url));
    }
}
