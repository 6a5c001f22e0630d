using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Tests.Configuration;

public sealed class PullThroughOptionsTests
{
    [Fact]
    public void Parse_MissingTokenFileAndNegativeTtl_ErrorsNameTheirKeys()
    {
        var environment = new Dictionary<string, string?>
        {
            ["EDGE_ORIGIN_URL"] = "http://origin:5000",
            ["EDGE_PULLTHROUGH_TOKENFILE"] = "/nonexistent/token",
            ["EDGE_PULLTHROUGH_STATUSTTL"] = "-1s",
        };

        var ex = Assert.Throws<EdgeConfigurationException>(() => EdgeConfigurationLoader.Parse(null, environment));

        Assert.Contains(ex.Errors, e => e.StartsWith("pullThrough.tokenFile: file '/nonexistent/token' does not exist", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("pullThrough.statusTtl (EDGE_PULLTHROUGH_STATUSTTL):", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_PullThroughOff_Bound()
    {
        var options = EdgeConfigurationLoader.Parse("origin:\n  url: http://origin:5000\npullThrough:\n  enabled: false\n", new Dictionary<string, string?>());

        Assert.False(options.PullThrough.Enabled);
    }
}
