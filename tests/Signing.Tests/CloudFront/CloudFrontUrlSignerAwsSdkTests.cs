using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Signing.CloudFront;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Signing.Tests.CloudFront;

/// <summary>
/// Signs the same URLs with <see cref="CloudFrontUrlSigner"/> and with AWS's <c>@aws-sdk/cloudfront-signer</c>
/// (same key, same times) and requires byte-identical results. PKCS#1 v1.5 signatures are deterministic,
/// so any difference in the policy, its encoding or the URL's assembly shows.
/// </summary>
public sealed class CloudFrontUrlSignerAwsSdkTests : IClassFixture<AwsSdkSignerFixture>, IClassFixture<RsaKeyFixture>
{
    private const string KeyPairId = "K2JCJMDEHXQW5F";
    private const string BlobUrl =
        "https://d111111abcdef8.cloudfront.net/docker/registry/v2/blobs/sha256/4f/4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945/data";

    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly AwsSdkSignerFixture sdk;
    private readonly RSA key;
    private readonly FakeTimeProvider time = new(Now);

    public CloudFrontUrlSignerAwsSdkTests(AwsSdkSignerFixture sdk, RsaKeyFixture keys)
    {
        this.sdk = sdk;
        key = keys.PrivateKey;
    }

    [Fact]
    public async Task SignCanned_SameUrlKeyAndExpiry_MatchesAwsSdk()
    {
        var ours = Signer(CloudFrontHashAlgorithm.Sha1).SignCanned(new Uri(BlobUrl), TimeSpan.FromMinutes(20));

        var theirs = await SignWithSdk(Request(BlobUrl) with { DateLessThan = Milliseconds(Now.AddMinutes(20)) });

        Assert.Equal(theirs, ours);
        Assert.True(SignedUrl.Parse(ours).Has("Expires"));
    }

    [Fact]
    public async Task SignCanned_UrlWithQueryAndSha256_MatchesAwsSdk()
    {
        const string url = BlobUrl + "?response-content-type=application%2Foctet-stream&x-request=7";
        var expiry = Now.AddHours(2);

        var ours = Signer(CloudFrontHashAlgorithm.Sha256).SignCanned(new Uri(url), expiry);

        var theirs = await SignWithSdk(Request(url) with { DateLessThan = Milliseconds(expiry), Algorithm = "SHA256" });
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task SignCustom_DateGreaterThanAndIpAddress_MatchesAwsSdk()
    {
        var validFrom = Now.AddMinutes(-1);

        var ours = Signer(CloudFrontHashAlgorithm.Sha1).SignCustom(new Uri(BlobUrl), TimeSpan.FromMinutes(15), "203.0.113.0/24", validFrom);

        var theirs = await SignWithSdk(Request(BlobUrl) with
        {
            DateLessThan = Milliseconds(Now.AddMinutes(15)),
            DateGreaterThan = Milliseconds(validFrom),
            IpAddress = "203.0.113.0/24",
        });
        Assert.Equal(theirs, ours);
        Assert.True(SignedUrl.Parse(ours).Has("Policy"));
    }

    [Fact]
    public async Task SignCustom_SingleIpAddressWithSha256AndQuery_MatchesAwsSdk()
    {
        const string url = BlobUrl + "?ns=docker.io";

        var ours = Signer(CloudFrontHashAlgorithm.Sha256).SignCustom(new Uri(url), TimeSpan.FromSeconds(90), "198.51.100.7");

        var theirs = await SignWithSdk(Request(url) with
        {
            DateLessThan = Milliseconds(Now.AddSeconds(90)),
            IpAddress = "198.51.100.7",
            Algorithm = "SHA256",
        });
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task SignCustom_OnlyDateGreaterThan_MatchesAwsSdk()
    {
        var validFrom = Now.AddMinutes(5);

        var ours = Signer(CloudFrontHashAlgorithm.Sha1).SignCustom(new Uri(BlobUrl), TimeSpan.FromHours(1), validFrom: validFrom);

        var theirs = await SignWithSdk(Request(BlobUrl) with
        {
            DateLessThan = Milliseconds(Now.AddHours(1)),
            DateGreaterThan = Milliseconds(validFrom),
        });
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task SignCustom_WildcardPolicy_MatchesAwsSdkPolicyAndUrl()
    {
        const string pattern = "https://d111111abcdef8.cloudfront.net/docker/registry/v2/blobs/*";
        var policy = new CloudFrontPolicy(pattern, Now.AddMinutes(30))
        {
            DateGreaterThan = Now,
            SourceIp = "192.0.2.0/28",
        };

        // The SDK builds a policy for whatever it is given as URL, wildcards included: its JSON must equal ours.
        var sdkPolicyUrl = await SignWithSdk(Request(pattern) with
        {
            DateLessThan = Milliseconds(policy.DateLessThan),
            DateGreaterThan = Milliseconds(Now),
            IpAddress = "192.0.2.0/28",
        });
        var sdkPolicyJson = Encoding.UTF8.GetString(CloudFrontBase64.Decode(SignedUrl.Parse(sdkPolicyUrl)["Policy"]));
        Assert.Equal(sdkPolicyJson, policy.ToJson());

        // Signing a concrete URL under that policy gives the same URL from both.
        var ours = Signer(CloudFrontHashAlgorithm.Sha1).SignCustom(new Uri(BlobUrl), policy);
        var theirs = await SignWithSdk(Request(BlobUrl) with { Policy = sdkPolicyJson });
        Assert.Equal(theirs, ours);
    }

    private CloudFrontUrlSigner Signer(CloudFrontHashAlgorithm algorithm) => new(KeyPairId, key, time, algorithm);

    private AwsSdkSignRequest Request(string url) => new(url, KeyPairId, key.ExportPkcs8PrivateKeyPem());

    private async Task<string> SignWithSdk(AwsSdkSignRequest request) =>
        Assert.Single(await sdk.SignAsync([request], CancellationToken.None));

    private static long Milliseconds(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();
}
