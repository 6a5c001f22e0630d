using EdgeRegistry.Origin.Storage;

namespace EdgeRegistry.Origin.Tests.Storage;

public sealed class StoragePathTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/docker/registry/v2/blobs/sha256/ab/data")]
    [InlineData("/a/.hidden/b..c/...")]
    public void IsValid_WellFormedPath_ReturnsTrue(string path)
    {
        Assert.True(StoragePath.IsValid(path));
    }

    [Theory]
    [MemberData(nameof(StorageDriverConformanceTests.InvalidPaths), MemberType = typeof(StorageDriverConformanceTests))]
    public void IsValid_MalformedPath_ReturnsFalse(string path)
    {
        Assert.False(StoragePath.IsValid(path));
    }

    [Theory]
    [InlineData("/a", "/", "a")]
    [InlineData("/a/b", "/a", "b")]
    [InlineData("/a/b/c", "/a/b", "c")]
    public void ParentAndName_Path_SplitAtLastSeparator(string path, string parent, string name)
    {
        Assert.Equal(parent, StoragePath.Parent(path));
        Assert.Equal(name, StoragePath.Name(path));
        Assert.Equal(path, StoragePath.Join(parent, name));
    }
}
