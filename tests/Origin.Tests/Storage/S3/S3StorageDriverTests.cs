using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.S3;

namespace EdgeRegistry.Origin.Tests.Storage.S3;

/// <summary>The shared driver suite against s3rver, plus what only S3 has: parts, partial records, keys, pages, presigned URLs.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3StorageDriverTests(S3rverFixture s3rver) : StorageDriverConformanceTests
{
    protected override IStorageDriver CreateDriver() => S3rverFixture.CreateDriver(s3rver.Options());
}
