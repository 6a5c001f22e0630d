using System.Text;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class DockerConfigCredentialsTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string AuthsJson(string key, string auth) => "{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth + "\"}}}";

    [Fact]
    public void Find_AuthField_DecodesUserAndPassword()
    {
        var credentials = DockerConfigCredentials.Parse(Encoding.UTF8.GetBytes(AuthsJson("registry.example.com:5000", B64("alice:pa:ss"))));

        Assert.Equal(new RegistryCredential("alice", "pa:ss"), credentials.Find("registry.example.com:5000"));
        Assert.Null(credentials.Find("registry.example.com"));
    }

    [Fact]
    public void Find_DockerHubKey_AnswersForEveryHubName()
    {
        var credentials = DockerConfigCredentials.Parse(Encoding.UTF8.GetBytes(AuthsJson("https://index.docker.io/v1/", B64("bob:secret"))));

        Assert.Equal("bob", credentials.Find("docker.io")?.Username);
        Assert.Equal("bob", credentials.Find("index.docker.io")?.Username);
        Assert.Equal("secret", credentials.Find("registry-1.docker.io")?.Password);
    }

    [Fact]
    public void Find_UsernameAndPasswordFields_AreUsed()
    {
        var credentials = DockerConfigCredentials.Parse(
            """{"auths":{"https://quay.io":{"username":"carol","password":"pw"},"helper.example":{}},"credsStore":"desktop"}"""u8);

        Assert.Equal(new RegistryCredential("carol", "pw"), credentials.Find("QUAY.io"));
        Assert.Null(credentials.Find("helper.example"));
    }

    [Fact]
    public void Load_File_ReadsIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgeregistry-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, AuthsJson("127.0.0.1:5000", B64("u:p")));
        try
        {
            Assert.Equal(new RegistryCredential("u", "p"), DockerConfigCredentials.Load(path).Find("127.0.0.1:5000"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"auths":{"quay.io":{"auth":"%%%"}}}""", "quay.io")]
    [InlineData("""{"auths":{"quay.io":{"auth":"bm9jb2xvbg=="}}}""", "quay.io")]
    [InlineData("""{"auths":{"quay.io":{"username":5}}}""", "username")]
    [InlineData("""{"auths":[]}""", "auths")]
    [InlineData("""{"auths":{"bad host":{}}}""", "bad host")]
    [InlineData("""not json""", "JSON")]
    public void Parse_Malformed_ThrowsNamingTheProblem(string json, string named)
    {
        var error = Assert.Throws<InvalidDataException>(() => DockerConfigCredentials.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void ToString_Credential_HidesThePassword() =>
        Assert.DoesNotContain("hunter2", new RegistryCredential("dave", "hunter2").ToString());
}
