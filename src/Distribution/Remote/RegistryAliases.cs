using System.Diagnostics.CodeAnalysis;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// Which endpoint serves a registry name: <c>docker.io</c> → <c>https://mirror.internal:5000</c> for an
/// air-gapped site, or → <c>https://127.0.0.1:NNNN</c> in tests. A registry without an alias is served at
/// <c>https://&lt;registry&gt;/</c>, and Docker Hub at <c>https://registry-1.docker.io/</c>.
/// </summary>
public sealed class RegistryAliases
{
    private readonly Dictionary<string, Uri> endpoints;

    /// <summary>
    /// Aliases from registry names (keys, Docker Hub's names folded into <c>docker.io</c>) to endpoints
    /// (absolute <c>http</c> or <c>https</c> URLs with no path, query or user info). Throws
    /// <see cref="ArgumentException"/> naming the first malformed key or value.
    /// </summary>
    public RegistryAliases(IEnumerable<KeyValuePair<string, string>> aliases)
    {
        endpoints = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (registry, endpoint) in aliases)
        {
            if (!RegistryHost.TrySplit(registry, out var host, out var port, out var reason))
            {
                throw new ArgumentException($"alias '{registry}': {reason}", nameof(aliases));
            }

            if (!TryParseEndpoint(endpoint, out var uri, out reason))
            {
                throw new ArgumentException($"alias '{registry}': {reason}", nameof(aliases));
            }

            endpoints[DockerHubNames.NormalizeRegistry(RegistryHost.Join(host, port))] = uri;
        }
    }

    /// <summary>No aliases: every registry is served at its own name.</summary>
    public static RegistryAliases None { get; } = new([]);

    /// <summary>The endpoint an alias names for <paramref name="registry"/>; false when there is no alias.</summary>
    public bool TryGetEndpoint(string registry, [NotNullWhen(true)] out Uri? endpoint)
    {
        endpoint = null;
        return RegistryHost.TrySplit(registry, out var host, out var port, out _)
            && endpoints.TryGetValue(DockerHubNames.NormalizeRegistry(RegistryHost.Join(host, port)), out endpoint);
    }

    /// <summary>The endpoint that serves <paramref name="registry"/>: its alias, else its default endpoint.</summary>
    public Uri Resolve(string registry) => TryGetEndpoint(registry, out var endpoint) ? endpoint : DefaultEndpoint(registry);

    /// <summary><c>https://registry-1.docker.io/</c> for Docker Hub, <c>https://&lt;registry&gt;/</c> for any other registry.</summary>
    public static Uri DefaultEndpoint(string registry) =>
        DockerHubNames.IsDockerHub(registry) ? DockerHubNames.Endpoint : new Uri($"https://{registry}/");

    internal static bool TryParseEndpoint(string? value, [NotNullWhen(true)] out Uri? endpoint, [NotNullWhen(false)] out string? reason)
    {
        endpoint = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            reason = $"endpoint '{value}' is not an absolute http or https URL";
            return false;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            reason = $"endpoint '{value}' must have no path, query, fragment or user info";
            return false;
        }

        endpoint = uri;
        reason = null;
        return true;
    }
}
