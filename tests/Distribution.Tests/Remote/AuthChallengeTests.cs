using System.Net.Http.Headers;
using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Distribution.Tests.Remote;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Parse_DockerHubBearer_ReadsRealmServiceAndScope()
    {
        var challenge = AuthChallenge.Parse(
            "Bearer",
            "realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull,push\"");

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:library/busybox:pull,push", challenge.Parameters["scope"]);
    }

    [Fact]
    public void Parse_SpacesTokensAndEscapes_AreHandled()
    {
        var challenge = AuthChallenge.Parse("bearer", " Realm = \"https://a/t?x=\\\"y\\\"\" , service=plain ,error=\"insufficient_scope\"");

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://a/t?x=\"y\"", challenge.Realm);
        Assert.Equal("plain", challenge.Service);
        Assert.Equal("insufficient_scope", challenge.Parameters["error"]);
    }

    [Fact]
    public void Select_BearerAndBasic_PrefersBearerWithRealm()
    {
        var selected = AuthChallenge.Select(
        [
            new AuthenticationHeaderValue("Basic", "realm=\"basic\""),
            new AuthenticationHeaderValue("Bearer", "service=\"no realm\""),
            new AuthenticationHeaderValue("Bearer", "realm=\"https://token\""),
        ]);

        Assert.NotNull(selected);
        Assert.True(selected.IsBearer);
        Assert.Equal("https://token", selected.Realm);
    }

    [Fact]
    public void Select_OnlyBasic_ReturnsBasic()
    {
        var selected = AuthChallenge.Select([new AuthenticationHeaderValue("Basic", "realm=\"registry\"")]);

        Assert.NotNull(selected);
        Assert.True(selected.IsBasic);
        Assert.Equal("registry", selected.Realm);
    }

    [Fact]
    public void Select_UnknownScheme_ReturnsNull() =>
        Assert.Null(AuthChallenge.Select([new AuthenticationHeaderValue("Negotiate")]));
}
