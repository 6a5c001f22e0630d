using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Edge.Cache;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Manifests;
using EdgeRegistry.Edge.Observability;

namespace EdgeRegistry.Edge;

/// <summary>Maps the edge's endpoints: health and metrics, then all of <c>/v2</c>.</summary>
public static class EdgeEndpointRouteBuilderExtensions
{
    public static WebApplication MapEdge(this WebApplication app)
    {
        HealthEndpoints.Map(app);

        // Cached blobs go out with sendfile only on a connection's first request; this records which that is.
        app.Use(ZeroCopySender.MarkConnectionOrder);

        // The index was rebuilt from the directory; a lowered cache.maxSize takes effect now, not at the first fill.
        app.Services.GetRequiredService<CacheEvictor>().EvictIfNeeded();
        var blobs = app.Services.GetRequiredService<BlobEndpoint>();
        var manifests = app.Services.GetRequiredService<ManifestEndpoint>();
        var forwarder = app.Services.GetRequiredService<OriginForwarder>();
        var root = app.Services.GetRequiredService<ApiRootEndpoint>();

        // Reads of blobs and manifests may be answered here; everything else (uploads, pushes,
        // deletes, tags/list, _catalog, referrers, /v2/ itself) goes to the origin as it is.
        app.Map("/v2/{**rest}", context =>
        {
            var method = context.Request.Method;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            {
                var route = RegistryRoute.Parse(context.Request.Path);
                switch (route.Kind)
                {
                    case RegistryRouteKind.Blob:
                        return blobs.HandleAsync(context, route);
                    case RegistryRouteKind.Manifest:
                        return manifests.HandleAsync(context, route);
                }
            }

            return forwarder.ForwardAsync(context);
        });
        app.MapMethods("/v2/", [HttpMethods.Get, HttpMethods.Head], root.HandleAsync);
        return app;
    }
}
