using EdgeRegistry.Origin.Storage.Filesystem;

namespace EdgeRegistry.Origin.Tests.Storage.Filesystem;

public sealed class DirectorySyncTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("edgeregistry-dirsync-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void Flush_ExistingDirectory_Returns()
    {
        File.WriteAllText(Path.Combine(root, "file"), "x");

        DirectorySync.Flush(root);

        Assert.True(File.Exists(Path.Combine(root, "file")));
    }

    [Fact]
    public void Flush_MissingDirectory_ThrowsDirectoryNotFound()
    {
        Assert.Throws<DirectoryNotFoundException>(() => DirectorySync.Flush(Path.Combine(root, "missing")));
    }

    [Fact]
    public void CreateDirectory_SeveralMissingLevels_CreatesThemAll()
    {
        var nested = Path.Combine(root, "a", "b", "c");

        DirectorySync.CreateDirectory(nested);
        DirectorySync.CreateDirectory(nested);

        Assert.True(Directory.Exists(nested));
    }
}
