using System.Security.Cryptography;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.CloudFront;
using EdgeRegistry.Origin.Tests.Storage.S3;
using EdgeRegistry.Signing.CloudFront;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

/// <summary>The shared driver suite through the decorator against s3rver: every call but the redirect is the S3 driver's.</summary>
[Collection(S3rverCollection.Name)]
public sealed class CloudFrontStorageDriverConformanceTests(S3rverFixture s3rver) : StorageDriverConformanceTests, IDisposable
{
    private readonly RSA key = RSA.Create(2048);
    private readonly string root = "/cloudfront-" + Guid.NewGuid().ToString("N");

    public void Dispose() => key.Dispose();

    protected override IStorageDriver CreateDriver() => new CloudFrontStorageDriver(
        S3rverFixture.CreateDriver(s3rver.Options(rootDirectory: root)),
        new CloudFrontUrlSigner("K2JCJMDEHXQW5F", key, TimeProvider.System),
        new Uri("https://d111111abcdef8.cloudfront.net/"),
        TimeSpan.FromMinutes(20),
        awsRanges: null,
        clientAddress: () => null);
}
