namespace EdgeRegistry.Integration.Tests.Harness;

public sealed class PrerequisitesTests
{
    [Fact]
    public void RequireTool_Missing_ThrowsAndPointsToTheTestScript()
    {
        var name = $"no-such-tool-{Guid.NewGuid():N}";

        var error = Assert.Throws<MissingToolException>(() => Prerequisites.RequireTool(name));

        Assert.Equal(name, error.Tool);
        Assert.Contains("scripts/test.sh", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("skopeo")]
    [InlineData("docker-registry")]
    public void RequireTool_Installed_ReturnsAnAbsolutePathToIt(string tool)
    {
        var path = Prerequisites.RequireTool(tool);

        Assert.True(Path.IsPathRooted(path));
        Assert.Equal(tool, Path.GetFileName(path));
        Assert.True(File.Exists(path));
    }
}
