using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Origin.Api;

/// <summary>
/// A parsed <c>/v2</c> path. Repository names contain slashes, so the path is read from its end:
/// <c>.../blobs/uploads/</c>, <c>.../blobs/uploads/&lt;id&gt;</c>, <c>.../blobs/&lt;digest&gt;</c>,
/// <c>.../manifests/&lt;reference&gt;</c>, <c>.../tags/list</c>, <c>.../referrers/&lt;digest&gt;</c>
/// (OCI Distribution Spec v1.1, "Endpoints").
/// </summary>
internal sealed record V2Route(V2RouteKind Kind, string Repository, string Argument)
{
    /// <summary>Parses the part of the path after <c>/v2/</c>; null when it names no endpoint (404).</summary>
    /// <exception cref="RegistryException">NAME_INVALID when the repository part breaks the naming rules.</exception>
    public static V2Route? Parse(string rest)
    {
        if (rest.Length == 0)
        {
            return new V2Route(V2RouteKind.Base, string.Empty, string.Empty);
        }

        if (rest is "_catalog")
        {
            return new V2Route(V2RouteKind.Catalog, string.Empty, string.Empty);
        }

        if (rest.EndsWith("/blobs/uploads/", StringComparison.Ordinal) || rest.EndsWith("/blobs/uploads", StringComparison.Ordinal))
        {
            var name = rest[..rest.LastIndexOf("/blobs/uploads", StringComparison.Ordinal)];
            return Make(V2RouteKind.UploadStart, name, string.Empty);
        }

        if (rest.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            return Make(V2RouteKind.TagList, rest[..^"/tags/list".Length], string.Empty);
        }

        var lastSlash = rest.LastIndexOf('/');
        if (lastSlash <= 0 || lastSlash == rest.Length - 1)
        {
            return null;
        }

        var argument = rest[(lastSlash + 1)..];
        var head = rest[..lastSlash];
        var kindSlash = head.LastIndexOf('/');
        if (kindSlash <= 0)
        {
            return null;
        }

        var keyword = head[(kindSlash + 1)..];
        var repository = head[..kindSlash];
        switch (keyword)
        {
            case "blobs":
                return Make(V2RouteKind.Blob, repository, argument);
            case "manifests":
                return Make(V2RouteKind.Manifest, repository, argument);
            case "referrers":
                return Make(V2RouteKind.Referrers, repository, argument);
            case "uploads" when repository.EndsWith("/blobs", StringComparison.Ordinal):
                return Make(V2RouteKind.Upload, repository[..^"/blobs".Length], argument);
            default:
                return null;
        }
    }

    private static V2Route Make(V2RouteKind kind, string repository, string argument) =>
        new(kind, RepositoryName.Validate(repository), argument);
}
