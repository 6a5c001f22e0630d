using System.Net;
using System.Security.Cryptography;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.CloudFront;
using EdgeRegistry.Origin.Storage.S3;
using EdgeRegistry.Origin.Tests.Storage.S3;
using EdgeRegistry.Signing.CloudFront;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

/// <summary>
/// The decorator's redirects. Presigning and CloudFront signing need no server, so the S3 driver here points
/// at a port nothing listens on; only the AWS ranges come from a served ip-ranges.json.
/// </summary>
public sealed class CloudFrontStorageDriverTests : IDisposable
{
    private const string BaseUrl = "https://d111111abcdef8.cloudfront.net";
    private const string KeyPairId = "K2JCJMDEHXQW5F";

    private static readonly Digest Blob = DigestHasher.Compute("layer"u8.ToArray());

    private readonly CloudFrontKeyFiles keys = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2024, 5, 1, 12, 0, 0, 400, TimeSpan.Zero));

    public void Dispose() => keys.Dispose();

    [Fact]
    public async Task RedirectUrlAsync_Get_SignsTheBaseUrlFollowedByTheBlobsObjectKey()
    {
        var driver = Decorate(rootDirectory: "/registry-root");

        var url = await driver.RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None);

        var signed = SignedCloudFrontUrl.Parse(url!);
        Assert.Equal($"{BaseUrl}/registry-root/docker/registry/v2/blobs/sha256/{Blob.Hex[..2]}/{Blob.Hex}/data", signed.Resource);
        Assert.Equal(KeyPairId, signed.Parameters["Key-Pair-Id"]);
        Assert.Equal(["Expires", "Key-Pair-Id", "Signature"], signed.Parameters.Keys);
        Assert.True(signed.VerifiesWith(keys.Key));
    }

    [Fact]
    public async Task RedirectUrlAsync_SignatureOfAnotherKey_DoesNotVerify()
    {
        var driver = Decorate();
        using var other = RSA.Create(2048);

        var url = await driver.RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None);

        Assert.False(SignedCloudFrontUrl.Parse(url!).VerifiesWith(other));
    }

    [Fact]
    public async Task RedirectUrlAsync_FakeClock_ExpiresDurationAfterNowInWholeSeconds()
    {
        var driver = Decorate(duration: TimeSpan.FromMinutes(7));
        var start = time.GetUtcNow();

        var first = SignedCloudFrontUrl.Parse((await driver.RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None))!);
        time.Advance(TimeSpan.FromHours(1));
        var later = SignedCloudFrontUrl.Parse((await driver.RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None))!);

        Assert.Equal(start.AddMinutes(7).ToUnixTimeSeconds(), first.Expires.ToUnixTimeSeconds());
        Assert.Equal(start.AddHours(1).AddMinutes(7).ToUnixTimeSeconds(), later.Expires.ToUnixTimeSeconds());
        Assert.True(later.VerifiesWith(keys.Key));
    }

    [Theory]
    [InlineData("https://cdn.example.com/registry", "/", "https://cdn.example.com/registry/docker/registry/v2/blobs/")]
    [InlineData("https://cdn.example.com/registry/", "", "https://cdn.example.com/registry/docker/registry/v2/blobs/")]
    [InlineData("https://cdn.example.com", "/a/b/", "https://cdn.example.com/a/b/docker/registry/v2/blobs/")]
    [InlineData("http://cdn.example.com:8080/", "/with space", "http://cdn.example.com:8080/with%20space/docker/registry/v2/blobs/")]
    public async Task RedirectUrlAsync_BaseUrlAndRootDirectory_JoinWithOneSlash(string baseUrl, string rootDirectory, string expectedPrefix)
    {
        var driver = Decorate(rootDirectory: rootDirectory, baseUrl: baseUrl);

        var url = await driver.RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None);

        var signed = SignedCloudFrontUrl.Parse(url!);
        Assert.StartsWith(expectedPrefix, signed.Resource, StringComparison.Ordinal);
        Assert.EndsWith($"/{Blob.Hex}/data", signed.Resource, StringComparison.Ordinal);
        Assert.True(signed.VerifiesWith(keys.Key));
    }

    [Fact]
    public async Task RedirectUrlAsync_Head_IsSignedToo()
    {
        var url = await Decorate().RedirectUrlAsync(StoragePaths.BlobData(Blob), "HEAD", CancellationToken.None);

        Assert.True(SignedCloudFrontUrl.Parse(url!).VerifiesWith(keys.Key));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public async Task RedirectUrlAsync_OtherMethods_ReturnsNullAsS3Does(string method)
    {
        Assert.Null(await Decorate().RedirectUrlAsync(StoragePaths.BlobData(Blob), method, CancellationToken.None));
    }

    [Fact]
    public async Task RedirectUrlAsync_InvalidPath_ThrowsInvalidPath()
    {
        await Assert.ThrowsAsync<InvalidStoragePathException>(() => Decorate().RedirectUrlAsync("/a/../b", "GET", CancellationToken.None));
    }

    [Theory]
    [InlineData("203.0.113.9", true)]
    [InlineData("203.0.113.255", true)]
    [InlineData("::ffff:203.0.113.9", true)]
    [InlineData("2600:1f14:fff:f800::1", true)]
    [InlineData("203.0.114.1", false)]
    [InlineData("198.51.100.1", false)]
    [InlineData("2600:1f15::1", false)]
    public async Task RedirectUrlAsync_IpFilteredByAws_ClientsInAwsGetTheS3UrlOthersCloudFront(string client, bool inAws)
    {
        await using var server = await IpRangesServer.StartAsync();
        server.Document = IpRangesServer.Generate(
            v4: [("203.0.113.0/24", "us-east-1"), ("192.0.2.0/25", "eu-west-1")],
            v6: [("2600:1f14:fff:f800::/56", "us-west-2")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        await ranges.UpdateAsync(CancellationToken.None);
        var driver = Decorate(ranges: ranges, clientAddress: IPAddress.Parse(client));

        var url = await driver.RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None);

        if (inAws)
        {
            Assert.Equal("127.0.0.1:9", url!.Authority);
            Assert.Contains("X-Amz-Signature=", url.Query, StringComparison.Ordinal);
            Assert.DoesNotContain("Key-Pair-Id", url.Query, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(SignedCloudFrontUrl.Parse(url!).VerifiesWith(keys.Key));
        }
    }

    [Theory]
    [InlineData("198.51.100.7", true)]
    [InlineData("203.0.113.9", false)]
    public async Task RedirectUrlAsync_IpFilteredByAwsRegion_OnlyTheConfiguredRegionsGetS3(string client, bool s3)
    {
        await using var server = await IpRangesServer.StartAsync();
        server.Document = IpRangesServer.Generate(v4: [("203.0.113.0/24", "us-east-1"), ("198.51.100.0/24", "eu-west-1")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, ["EU-WEST-1"]);
        await ranges.UpdateAsync(CancellationToken.None);
        var driver = Decorate(ranges: ranges, clientAddress: IPAddress.Parse(client));

        var url = await driver.RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None);

        Assert.Equal(s3, url!.Query.Contains("X-Amz-Signature=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RedirectUrlAsync_NoClientAddress_SignsForCloudFront()
    {
        await using var server = await IpRangesServer.StartAsync();
        server.Document = IpRangesServer.Generate(v4: [("0.0.0.0/0", "us-east-1")]);
        using var ranges = new AwsIpRanges(new HttpClient(), server.Url, []);
        await ranges.UpdateAsync(CancellationToken.None);

        var url = await Decorate(ranges: ranges, clientAddress: null).RedirectUrlAsync(StoragePaths.BlobData(Blob), "GET", CancellationToken.None);

        Assert.True(SignedCloudFrontUrl.Parse(url!).VerifiesWith(keys.Key));
    }

    [Fact]
    public void Name_Always_IsTheS3Drivers()
    {
        Assert.Equal("s3", Decorate().Name);
    }

    private CloudFrontStorageDriver Decorate(
        string rootDirectory = "/", string baseUrl = BaseUrl, TimeSpan? duration = null, AwsIpRanges? ranges = null, IPAddress? clientAddress = null)
    {
        var options = new S3StorageOptions
        {
            Region = "us-east-1",
            RegionEndpoint = new Uri("http://127.0.0.1:9"),
            Bucket = "registry",
            AccessKey = "key",
            SecretKey = "secret",
            Secure = false,
            ForcePathStyle = true,
            RootDirectory = rootDirectory,
        };
        var s3 = new S3StorageDriver(
            S3ClientFactory.Create(options, S3rverFixture.FastResilience), options, S3rverFixture.FastResilience, time, NullLogger<S3StorageDriver>.Instance);
        return new CloudFrontStorageDriver(
            s3,
            new CloudFrontUrlSigner(KeyPairId, keys.Key, time),
            new Uri(baseUrl),
            duration ?? TimeSpan.FromMinutes(20),
            ranges,
            () => clientAddress);
    }
}
