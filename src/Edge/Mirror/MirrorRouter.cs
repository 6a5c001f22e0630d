using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Mirror;

/// <summary>
/// Tells mirror-mode requests from the origin's: with <c>mirror.enabled</c>, a request whose <c>ns</c> query parameter
/// names a registry (containerd adds <c>?ns=&lt;registry&gt;</c> to every request it sends to a mirror) is mirrored from
/// that registry, unless the name is the origin's (<c>origin.url</c>'s host, or one of <c>mirror.originNames</c>:
/// containerd sends <c>ns=&lt;origin host&gt;</c> too when the edge mirrors the origin). A request without <c>ns</c>
/// goes to <c>mirror.defaultRegistry</c> when one is set, else to the origin.
/// </summary>
internal sealed class MirrorRouter
{
    private readonly bool enabled;
    private readonly string? defaultRegistry;
    private readonly HashSet<string> originNames = new(StringComparer.OrdinalIgnoreCase);

    public MirrorRouter(EdgeOptions options)
    {
        enabled = options.Mirror.Enabled;
        defaultRegistry = options.Mirror.DefaultRegistry is { } registry ? DockerHubNames.NormalizeRegistry(registry) : null;
        var origin = options.Origin.Url!;
        originNames.Add(origin.Authority);
        originNames.Add($"{origin.Host}:{origin.Port}");
        if (origin.IsDefaultPort)
        {
            originNames.Add(origin.Host);
        }

        originNames.UnionWith(options.Mirror.OriginNames);
    }

    /// <summary>The registry <paramref name="request"/> is mirrored from (normalized: Docker Hub's names are <c>docker.io</c>); null for the origin.</summary>
    public string? RegistryOf(HttpRequest request)
    {
        if (!enabled)
        {
            return null;
        }

        var ns = request.Query["ns"].ToString().Trim();
        if (ns.Length == 0)
        {
            return defaultRegistry;
        }

        return originNames.Contains(ns) ? null : DockerHubNames.NormalizeRegistry(ns);
    }
}
