using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>Tag listing, following <c>Link</c> pages.</summary>
public sealed partial class RemoteRegistryClient
{
    /// <summary>
    /// The tags of <paramref name="repository"/> (<c>GET /v2/&lt;name&gt;/tags/list</c>, following the <c>Link</c>
    /// header's <c>rel="next"</c> pages on this registry), in the order the registry lists them, at most
    /// <paramref name="limit"/>; names that are not valid tags are left out. NAME_UNKNOWN for a 404; a page larger
    /// than <see cref="RemoteRegistryOptions.MaxManifestBytes"/> or not the spec's JSON is UNKNOWN.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var name = NormalizeRepository(repository);
        var what = $"the tags of {name}";
        var tags = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? path = $"v2/{name}/tags/list";
        // A registry that links back to a page it sent must not hold the caller forever.
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (path is not null && tags.Count < limit && visited.Add(path))
        {
            using var response = await SendAsync(HttpMethod.Get, path, name, null, cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, ErrorCode.NameUnknown, what, cancellationToken).ConfigureAwait(false);
            byte[] body;
            try
            {
                body = await UpstreamErrors.ReadBoundedAsync(response.Content, (int)Math.Min(options.MaxManifestBytes, int.MaxValue), cancellationToken).ConfigureAwait(false);
            }
            catch (ContentTooLargeException)
            {
                throw new RegistryException(ErrorCode.Unknown, $"registry {Registry} sent a page of {what} that is too large", new { registry = Registry });
            }

            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && document.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        if (item.ValueKind == System.Text.Json.JsonValueKind.String && item.GetString() is { } tag && Tag.IsValid(tag) && seen.Add(tag) && tags.Count < limit)
                        {
                            tags.Add(tag);
                        }
                    }
                }
            }
            catch (System.Text.Json.JsonException)
            {
                throw new RegistryException(ErrorCode.Unknown, $"registry {Registry} sent {what} in a form that is not the spec's JSON", new { registry = Registry });
            }

            path = NextPage(response);
        }

        return tags;
    }

    /// <summary>
    /// The path and query of the <c>Link: &lt;...&gt;; rel="next"</c> header (RFC 5988, as the distribution spec's
    /// pagination uses it) without its leading slash, so it is resolved against this registry's endpoint whatever
    /// host it names; null when there is no next page.
    /// </summary>
    private static string? NextPage(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var open = value.IndexOf('<');
            var close = value.IndexOf('>');
            if (open < 0 || close <= open || !value[(close + 1)..].Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var target = value[(open + 1)..close];
            // Only an http(s) URL is absolute here: on Unix "/v2/..." would parse as an absolute file URI.
            if ((target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
            {
                target = absolute.PathAndQuery;
            }

            target = target.TrimStart('/');
            return target.StartsWith("v2/", StringComparison.Ordinal) ? target : null;
        }

        return null;
    }
}
