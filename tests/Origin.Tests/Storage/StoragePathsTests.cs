using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Tests.Storage;

public sealed class StoragePathsTests
{
    private static readonly Digest Blob = DigestHasher.Compute("hello"u8);

    [Fact]
    public void BlobData_Sha256Digest_UsesRegistry2Layout()
    {
        Assert.Equal(
            $"/docker/registry/v2/blobs/sha256/{Blob.Hex[..2]}/{Blob.Hex}/data",
            StoragePaths.BlobData(Blob));
        Assert.Equal($"/docker/registry/v2/blobs/sha256/{Blob.Hex[..2]}/{Blob.Hex}", StoragePaths.BlobDirectory(Blob));
        Assert.StartsWith(StoragePaths.BlobsRoot + "/", StoragePaths.BlobData(Blob), StringComparison.Ordinal);
    }

    [Fact]
    public void BlobData_Sha512Digest_UsesAlgorithmDirectory()
    {
        var digest = DigestHasher.Compute("hello"u8, Digest.Sha512);

        Assert.Equal($"/docker/registry/v2/blobs/sha512/{digest.Hex[..2]}/{digest.Hex}/data", StoragePaths.BlobData(digest));
    }

    [Fact]
    public void UploadPaths_NestedRepository_LiveUnderItsUploadDirectory()
    {
        const string upload = "/docker/registry/v2/repositories/openshift/busybox/_uploads/0a1b-2c";

        Assert.Equal("/docker/registry/v2/repositories", StoragePaths.RepositoriesRoot);
        Assert.Equal(upload, StoragePaths.UploadDirectory("openshift/busybox", "0a1b-2c"));
        Assert.Equal(upload + "/data", StoragePaths.UploadData("openshift/busybox", "0a1b-2c"));
        Assert.Equal(upload + "/startedat", StoragePaths.UploadStartedAt("openshift/busybox", "0a1b-2c"));
        Assert.Equal(upload + "/hashstates/sha256/1024", StoragePaths.UploadHashState("openshift/busybox", "0a1b-2c", "sha256", 1024));
    }

    [Fact]
    public void LinkPaths_Repository_UseRegistry2Layout()
    {
        const string repository = "/docker/registry/v2/repositories/library/busybox";

        Assert.Equal($"{repository}/_layers/sha256/{Blob.Hex}/link", StoragePaths.LayerLink("library/busybox", Blob));
        Assert.Equal($"{repository}/_manifests/revisions/sha256/{Blob.Hex}/link", StoragePaths.ManifestRevisionLink("library/busybox", Blob));
        Assert.Equal($"{repository}/_manifests/tags/v1.0_rc-2/current/link", StoragePaths.TagCurrentLink("library/busybox", "v1.0_rc-2"));
        Assert.Equal($"{repository}/_manifests/tags/latest/index/sha256/{Blob.Hex}/link", StoragePaths.TagIndexLink("library/busybox", "latest", Blob));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("Library/busybox")]
    [InlineData("library//busybox")]
    [InlineData("")]
    public void Repository_InvalidName_ThrowsArgument(string repository)
    {
        Assert.Throws<ArgumentException>(() => StoragePaths.UploadData(repository, "id"));
        Assert.Throws<ArgumentException>(() => StoragePaths.LayerLink(repository, Blob));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    public void UploadData_InvalidId_ThrowsArgument(string id)
    {
        Assert.Throws<ArgumentException>(() => StoragePaths.UploadData("library/busybox", id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public void TagCurrentLink_InvalidTag_ThrowsArgument(string tag)
    {
        Assert.Throws<ArgumentException>(() => StoragePaths.TagCurrentLink("library/busybox", tag));
    }

    [Fact]
    public void TryParseBlobData_PathOfBlobData_ReturnsDigest()
    {
        Assert.True(StoragePaths.TryParseBlobData(StoragePaths.BlobData(Blob), out var digest));
        Assert.Equal(Blob, digest);
    }

    [Theory]
    [InlineData("/docker/registry/v2/blobs/sha256/aa/{0}/data")]
    [InlineData("/docker/registry/v2/blobs/sha256/{1}/{0}/link")]
    [InlineData("/docker/registry/v2/blobs/md5/{1}/{0}/data")]
    [InlineData("/docker/registry/v2/blobs/sha256/{1}/{0}")]
    [InlineData("/docker/registry/v2/repositories/sha256/{1}/{0}/data")]
    public void TryParseBlobData_OtherPath_ReturnsFalse(string format)
    {
        var hex = Blob.Hex[..2] == "aa" ? Blob.Hex.Replace('a', 'b') : Blob.Hex;
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, hex, hex[..2]);

        Assert.False(StoragePaths.TryParseBlobData(path, out _));
    }
}
