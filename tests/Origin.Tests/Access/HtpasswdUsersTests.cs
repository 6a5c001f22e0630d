using EdgeRegistry.Origin.Access;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Origin.Tests.Access;

public sealed class HtpasswdUsersTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "edgeregistry-htpasswd-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void FindHash_BcryptLines_AreFoundOthersSkipped()
    {
        var hash = BCrypt.Net.BCrypt.HashPassword("secret", 4);
        File.WriteAllText(_path, $"alice:{hash}\n# a comment\n\nbob:{{SHA}}abc=\nno-colon\ncarol:{hash.Replace("$2a$", "$2y$", StringComparison.Ordinal)}\n");

        var users = new HtpasswdUsers(_path, NullLogger<HtpasswdUsers>.Instance);

        Assert.Equal(hash, users.FindHash("alice"));
        Assert.NotNull(users.FindHash("carol"));
        Assert.Null(users.FindHash("bob"));
        Assert.Equal(["alice", "carol"], users.Users());
    }

    [Fact]
    public void FindHash_FileChanged_IsReadAgain()
    {
        File.WriteAllText(_path, $"alice:{BCrypt.Net.BCrypt.HashPassword("a", 4)}\n");
        var users = new HtpasswdUsers(_path, NullLogger<HtpasswdUsers>.Instance);
        Assert.NotNull(users.FindHash("alice"));

        File.WriteAllText(_path, $"alice:{BCrypt.Net.BCrypt.HashPassword("a", 4)}\ndave:{BCrypt.Net.BCrypt.HashPassword("d", 4)}\n");
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddMinutes(1));

        Assert.NotNull(users.FindHash("dave"));
    }

    [Fact]
    public void FindHash_MissingFile_KnowsNobody()
    {
        Assert.Null(new HtpasswdUsers(_path, NullLogger<HtpasswdUsers>.Instance).FindHash("alice"));
    }
}
