using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Observability;

namespace EdgeRegistry.Origin.Api;

/// <summary>
/// The one entry of <c>/v2</c>: parses the path, refuses what configuration forbids, asks the access
/// gate, then hands the request to the endpoint of its route.
/// </summary>
internal sealed class RegistryApi(
    RegistryApiOptions options,
    IAccessGate access,
    BlobEndpoints blobs,
    UploadEndpoints uploads,
    ManifestEndpoints manifests,
    ListingEndpoints listings,
    ReferrerEndpoints referrers)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        var path = context.Request.Path.Value ?? string.Empty;
        var rest = path.Length > 4 ? path[4..] : string.Empty;
        var route = V2Route.Parse(rest) ?? throw new RegistryException(ErrorCode.NotFound, "no such endpoint");
        context.Items[RequestMetricsMiddleware.RouteItem] = route.Kind.ToString().ToLowerInvariant();
        var method = context.Request.Method;
        var action = ActionOf(route.Kind, method);

        if (action is RegistryAction.Push or RegistryAction.Delete && options.ReadOnly)
        {
            throw new RegistryException(ErrorCode.Unsupported, "the registry is in read-only mode");
        }

        if (action is RegistryAction.Delete && !options.DeleteEnabled)
        {
            throw new RegistryException(ErrorCode.Unsupported, "deletes are disabled (storage.delete.enabled is false)");
        }

        if (route.Kind is V2RouteKind.Base or V2RouteKind.Catalog)
        {
            await access.AuthenticateAsync(context, cancellationToken);
        }
        else
        {
            await access.AuthorizeAsync(context, route.Repository, action, cancellationToken);
        }

        switch (route.Kind)
        {
            case V2RouteKind.Base:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{}", cancellationToken);
                break;
            case V2RouteKind.Catalog:
                await listings.CatalogAsync(context, cancellationToken);
                break;
            case V2RouteKind.TagList:
                await listings.TagsAsync(context, route.Repository, cancellationToken);
                break;
            case V2RouteKind.Blob:
                await blobs.HandleAsync(context, route, cancellationToken);
                break;
            case V2RouteKind.UploadStart:
            case V2RouteKind.Upload:
                await uploads.HandleAsync(context, route, cancellationToken);
                break;
            case V2RouteKind.Manifest:
                await manifests.HandleAsync(context, route, cancellationToken);
                break;
            case V2RouteKind.Referrers:
                await referrers.HandleAsync(context, route, cancellationToken);
                break;
        }
    }

    /// <summary>The action a method on a route needs; 405 UNSUPPORTED for a method the route does not have.</summary>
    private static RegistryAction ActionOf(V2RouteKind kind, string method)
    {
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        return kind switch
        {
            V2RouteKind.Base or V2RouteKind.Catalog or V2RouteKind.TagList or V2RouteKind.Referrers when read => RegistryAction.Pull,
            V2RouteKind.Blob when read => RegistryAction.Pull,
            V2RouteKind.Blob when HttpMethods.IsDelete(method) => RegistryAction.Delete,
            V2RouteKind.Manifest when read => RegistryAction.Pull,
            V2RouteKind.Manifest when HttpMethods.IsPut(method) => RegistryAction.Push,
            V2RouteKind.Manifest when HttpMethods.IsDelete(method) => RegistryAction.Delete,
            V2RouteKind.UploadStart when HttpMethods.IsPost(method) => RegistryAction.Push,
            V2RouteKind.Upload when HttpMethods.IsGet(method) || HttpMethods.IsPatch(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) => RegistryAction.Push,
            _ => throw new RegistryException(ErrorCode.Unsupported, $"{method} is not supported here"),
        };
    }
}
