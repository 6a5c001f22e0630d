using EdgeRegistry.Distribution.Remote;

namespace EdgeRegistry.Edge.Configuration;

/// <summary>
/// Mirror mode: the edge as a containerd mirror (<c>hosts.toml</c>) of whole upstream registries. A request naming a
/// registry with <c>?ns=</c> (containerd adds it), or any request when <see cref="DefaultRegistry"/> is set, is served
/// from that registry and its cache, not from the origin.
/// </summary>
public sealed record MirrorOptions
{
    /// <summary>Serve <c>?ns=&lt;registry&gt;</c> requests from the upstream; needs <c>upstream.allowed</c>.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// The registry requests without <c>ns</c> are mirrored from (for docker's <c>registry-mirrors</c> and skopeo);
    /// null sends them to the origin. With it set, the origin serves only writes and listings.
    /// </summary>
    public string? DefaultRegistry { get; init; }

    /// <summary>
    /// Names clients use for the origin besides <c>origin.url</c>'s host (the public name in containerd's
    /// <c>hosts.toml</c>): requests with these <c>ns</c> values go to the origin.
    /// </summary>
    public IReadOnlyList<string> OriginNames { get; init; } = [];

    internal IEnumerable<string> Validate(UpstreamOptions upstream)
    {
        if (!Enabled)
        {
            if (DefaultRegistry is not null)
            {
                yield return "mirror.defaultRegistry: needs mirror.enabled: true";
            }

            yield break;
        }

        if (upstream.Allowed is null)
        {
            yield return "upstream.allowed: required when mirror.enabled is true (the registries this edge mirrors; without a list any registry a client names would be fetched)";
        }

        if (DefaultRegistry is { } registry && !IsRegistryName(registry))
        {
            yield return $"mirror.defaultRegistry: '{registry}' is not a registry name (host or host:port)";
        }
    }

    private static bool IsRegistryName(string registry)
    {
        try
        {
            // The aliases' parser is the one place outside the client that checks a registry name.
            _ = new RegistryAliases([KeyValuePair.Create(registry, "https://example.invalid/")]);
            return !registry.Contains('/');
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
