using EdgeRegistry.Origin.Access;

namespace EdgeRegistry.Origin.Tests.Access;

public sealed class TokenScopeTests
{
    [Fact]
    public void ParseAll_RepeatedAndSpaceSeparated_ReturnsEveryScope()
    {
        var scopes = TokenScope.ParseAll(["repository:team/app:pull,push", "repository:a/b:pull registry:catalog:*"]);

        Assert.Equal(
            ["repository:team/app:pull,push", "repository:a/b:pull", "registry:catalog:*"],
            scopes.Select(s => s.ToString()));
    }

    [Fact]
    public void Parse_NameWithPort_KeepsEverythingBetweenFirstAndLastColon()
    {
        var scope = TokenScope.Parse("repository:host:5000/team/app:pull");

        Assert.Equal("host:5000/team/app", scope!.Name);
        Assert.Equal(["pull"], scope.Actions);
    }

    [Fact]
    public void Parse_PluginClass_IsIgnored()
    {
        Assert.Equal("repository", TokenScope.Parse("repository(plugin):team/app:pull")!.Type);
    }

    [Theory]
    [InlineData("repository")]
    [InlineData("repository:team/app")]
    [InlineData(":team/app:pull")]
    [InlineData("repository::pull")]
    public void Parse_Malformed_ReturnsNull(string text)
    {
        Assert.Null(TokenScope.Parse(text));
    }
}
