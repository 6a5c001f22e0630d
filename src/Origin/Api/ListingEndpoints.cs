using System.Globalization;
using System.Text.Json;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Api;

/// <summary>
/// <c>GET /v2/&lt;name&gt;/tags/list</c> and <c>GET /v2/_catalog</c>, both paged by <c>n</c> and <c>last</c>
/// with a <c>Link: &lt;...&gt;; rel="next"</c> header while more entries follow (OCI Distribution Spec v1.1,
/// "Listing Tags"; Docker Registry v2 "Catalog").
/// </summary>
internal sealed class ListingEndpoints(IMetadataStore metadata, IAccessGate access, RegistryApiOptions options)
{
    public async Task TagsAsync(HttpContext context, string repository, CancellationToken cancellationToken)
    {
        var (limit, last) = Paging(context.Request);
        // One more than asked tells whether a next page exists without a second query.
        var tags = limit == 0 ? [] : await metadata.ListTagsAsync(repository, last, limit + 1, cancellationToken);
        if (tags.Count == 0 && !await metadata.RepositoryExistsAsync(repository, cancellationToken))
        {
            throw new RegistryException(ErrorCode.NameUnknown, detail: new { name = repository });
        }

        var page = tags.Take(limit).ToList();
        if (tags.Count > limit)
        {
            SetNextLink(context, $"/v2/{repository}/tags/list", limit, page[^1]);
        }

        await WriteJsonAsync(context, new { name = repository, tags = page }, cancellationToken);
    }

    public async Task CatalogAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (limit, last) = Paging(context.Request);
        var names = limit == 0 ? [] : await metadata.ListRepositoriesAsync(last, limit + 1, cancellationToken);
        var page = names.Take(limit).ToList();
        if (names.Count > limit)
        {
            SetNextLink(context, "/v2/_catalog", limit, page[^1]);
        }

        var visible = await access.FilterVisibleAsync(context, page, cancellationToken);
        await WriteJsonAsync(context, new { repositories = visible }, cancellationToken);
    }

    private (int Limit, string? Last) Paging(HttpRequest request)
    {
        var limit = options.MaxPageSize;
        if (request.Query.TryGetValue("n", out var n) && n.ToString().Length > 0)
        {
            if (!int.TryParse(n.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            {
                throw new RegistryException(ErrorCode.PaginationNumberInvalid, "n must be a non-negative integer", new { n = n.ToString() });
            }

            limit = Math.Min(limit, options.MaxPageSize);
        }

        var last = request.Query["last"].ToString();
        return (limit, last.Length == 0 ? null : last);
    }

    private static void SetNextLink(HttpContext context, string path, int limit, string last) =>
        context.Response.Headers.Link = $"<{path}?n={limit}&last={Uri.EscapeDataString(last)}>; rel=\"next\"";

    private static async Task WriteJsonAsync<T>(HttpContext context, T value, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, cancellationToken: cancellationToken);
    }
}
