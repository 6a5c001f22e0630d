using EdgeRegistry.Edge.Configuration;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Edge.Tests.Configuration;

/// <summary>The configuration shipped in deploy/daemonset is one the edge accepts.</summary>
public sealed class DeployedConfigurationTests
{
    [Fact]
    public void Parse_DaemonSetConfigMap_Valid()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EdgeRegistry.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(root.FullName, "deploy", "daemonset", "edge-configmap.yaml"))));
        var data = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["data"];
        var config = ((YamlScalarNode)data["config.yml"]).Value;

        var options = EdgeConfigurationLoader.Parse(config, new Dictionary<string, string?> { ["EDGE_CACHE_DIRECTORY"] = "/var/cache/edge" });

        Assert.Equal(new Uri("http://origin.registry.svc.cluster.local:5000"), options.Origin.Url);
        Assert.Equal(40L * 1024 * 1024 * 1024, options.Cache.MaxSize);
        Assert.True(options.Mirror.Enabled);
        Assert.Equal(["docker.io"], options.Upstream.Allowed!);
    }
}
