using System.Runtime.Versioning;
using EdgeRegistry.Origin.Access;

namespace EdgeRegistry.Origin.Tests.Access;

public sealed class SigningKeyFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-key-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void LoadOrCreate_Missing_CreatesOwnerOnlyKeyAndReturnsItAgain()
    {
        var path = Path.Combine(_directory, SigningKeyFile.FileName);

        var first = SigningKeyFile.LoadOrCreate(path);
        var second = SigningKeyFile.LoadOrCreate(path);

        Assert.Equal(SigningKeyFile.KeyLength, first.Length);
        Assert.Equal(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void LoadOrCreate_ManyAtOnce_AllGetTheSameKey()
    {
        var path = Path.Combine(_directory, SigningKeyFile.FileName);

        var keys = Enumerable.Range(0, 8).AsParallel().Select(_ => SigningKeyFile.LoadOrCreate(path)).ToList();

        Assert.All(keys, key => Assert.Equal(keys[0], key));
    }
}
