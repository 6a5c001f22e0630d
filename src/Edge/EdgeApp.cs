using EdgeRegistry.Edge.Authorization;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.CloudFront;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Manifests;
using EdgeRegistry.Edge.Mirror;
using EdgeRegistry.Edge.Observability;
using EdgeRegistry.Edge.PullThrough;

namespace EdgeRegistry.Edge;

/// <summary>The edge server, buildable in-process (tests, benchmarks) or run as a process (Program.cs).</summary>
public static class EdgeApp
{
    /// <summary>
    /// Builds the edge. With <paramref name="options"/> null the configuration comes from the YAML file
    /// (<c>--config</c>, <c>EDGE_CONFIG</c>) and <c>EDGE_</c> variables; <paramref name="configureServices"/>
    /// runs last, so tests can replace a service (a fake <see cref="TimeProvider"/>). Throws
    /// <see cref="EdgeConfigurationException"/> when the configuration is bad.
    /// </summary>
    public static WebApplication Build(string[] args, EdgeOptions? options = null, Action<IServiceCollection>? configureServices = null)
    {
        // No appsettings reloads (configuration is YAML and EDGE_*), so no recursive watch of the content root.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.AddEdgeConfiguration(args, options);
        builder.Services.AddEdgeObservability();
        builder.Services.AddOriginForwarding();
        builder.Services.AddBlobCache();
        builder.Services.AddManifestCache();
        builder.Services.AddOriginAuthorization();
        builder.Services.AddCloudFrontRedirects();
        builder.Services.AddEdgePullThrough();
        builder.Services.AddEdgeMirror();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapEdge();
        return app;
    }
}
