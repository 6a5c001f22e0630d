using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// The registries the origin and the edge may pull from, like the docker daemon's
/// <c>--block-registry=all</c> with <c>--add-registry=...</c> entries: once a list is configured, every
/// registry not on it is refused. Entries are a host (any port), <c>host:port</c>, or a wildcard
/// <c>*.example.com</c> (every name below example.com). Docker Hub's host names all count as <c>docker.io</c>.
/// </summary>
public sealed class UpstreamAllowlist
{
    private readonly RegistryHostPattern[]? patterns;

    private UpstreamAllowlist(RegistryHostPattern[]? patterns) => this.patterns = patterns;

    /// <summary>
    /// An allowlist of exactly <paramref name="entries"/>; an empty list allows nothing. Throws
    /// <see cref="ArgumentException"/> naming the first malformed entry.
    /// </summary>
    public UpstreamAllowlist(IEnumerable<string> entries)
        : this(entries.Select(RegistryHostPattern.Parse).ToArray())
    {
    }

    /// <summary>No allowlist configured: every registry is allowed.</summary>
    public static UpstreamAllowlist Unrestricted { get; } = new((RegistryHostPattern[]?)null);

    /// <summary>False for <see cref="Unrestricted"/>; true once a list is configured.</summary>
    public bool IsRestricted => patterns is not null;

    /// <summary>The configured entries; empty for <see cref="Unrestricted"/>.</summary>
    public IReadOnlyList<string> Entries => patterns?.Select(p => p.Text).ToArray() ?? [];

    /// <summary>
    /// The allowlist for an optional configured list: <see cref="Unrestricted"/> when <paramref name="entries"/>
    /// is null, otherwise exactly those entries.
    /// </summary>
    public static UpstreamAllowlist From(IEnumerable<string>? entries) => entries is null ? Unrestricted : new UpstreamAllowlist(entries);

    /// <summary>True when pulls from <paramref name="registry"/> (<c>host</c> or <c>host:port</c>) are allowed; once a list is configured a malformed name never is.</summary>
    public bool IsAllowed(string registry) => patterns is null || RegistryHostPattern.MatchesAny(patterns, registry);

    /// <summary>Throws <see cref="RegistryException"/> with DENIED, naming the registry, when it is not allowed.</summary>
    public void EnsureAllowed(string registry)
    {
        if (!IsAllowed(registry))
        {
            throw new RegistryException(
                ErrorCode.Denied,
                $"registry {registry} is not allowed: it is not on the upstream allowlist",
                new { registry });
        }
    }
}
