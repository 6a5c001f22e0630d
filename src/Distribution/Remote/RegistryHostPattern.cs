using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// One entry of a registry list (the upstream allowlist, the insecure registries): a host
/// (<c>registry.example.com</c>, any port), a host and port (<c>registry.example.com:5000</c>), a wildcard
/// (<c>*.example.com</c>: every name below example.com, not example.com itself, optionally with a port), or a
/// CIDR network (<c>172.30.0.0/16</c>: every IP-literal registry in it, as docker's
/// <c>--insecure-registry</c> allows).
/// </summary>
internal sealed class RegistryHostPattern
{
    private readonly string? host;
    private readonly string? suffix;
    private readonly IPNetwork? network;
    private readonly int? port;

    private RegistryHostPattern(string text, string? host, string? suffix, IPNetwork? network, int? port)
    {
        Text = text;
        this.host = host;
        this.suffix = suffix;
        this.network = network;
        this.port = port;
    }

    /// <summary>The entry as configured.</summary>
    public string Text { get; }

    public static RegistryHostPattern Parse(string entry) =>
        TryParse(entry, out var pattern, out var reason) ? pattern : throw new ArgumentException(reason, nameof(entry));

    public static bool TryParse(string? entry, [NotNullWhen(true)] out RegistryHostPattern? pattern, [NotNullWhen(false)] out string? reason)
    {
        pattern = null;
        var text = entry?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            reason = "registry entry is empty";
            return false;
        }

        if (text.Contains('/'))
        {
            if (!IPNetwork.TryParse(text, out var parsedNetwork))
            {
                reason = $"registry entry '{text}' is neither a host nor a CIDR network";
                return false;
            }

            pattern = new RegistryHostPattern(text, null, null, parsedNetwork, null);
            reason = null;
            return true;
        }

        var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        if (!RegistryHost.TrySplit(wildcard ? text[2..] : text, out var parsedHost, out var parsedPort, out reason))
        {
            reason = $"registry entry '{text}' is not a host, host:port or *.domain: {reason}";
            return false;
        }

        pattern = wildcard
            ? new RegistryHostPattern(text, null, "." + parsedHost, null, parsedPort)
            : new RegistryHostPattern(text, DockerHubNames.NormalizeRegistry(parsedHost), null, null, parsedPort);
        return true;
    }

    /// <summary>True when the registry <paramref name="registryHost"/> (lower-case, as <see cref="RegistryHost.TrySplit"/> gives it) and port match.</summary>
    public bool Matches(string registryHost, int? registryPort)
    {
        if (network is { } net)
        {
            return IPAddress.TryParse(registryHost, out var address) && net.Contains(address);
        }

        if (port is not null && port != registryPort)
        {
            return false;
        }

        if (suffix is not null)
        {
            return registryHost.Length > suffix.Length && registryHost.EndsWith(suffix, StringComparison.Ordinal);
        }

        return registryHost == host;
    }

    /// <summary>True when any of <paramref name="patterns"/> matches the registry name <paramref name="registry"/>.</summary>
    public static bool MatchesAny(IEnumerable<RegistryHostPattern> patterns, string registry)
    {
        if (!RegistryHost.TrySplit(registry, out var host, out var port, out _))
        {
            return false;
        }

        host = DockerHubNames.NormalizeRegistry(host);
        return patterns.Any(p => p.Matches(host, port));
    }

    public override string ToString() => Text;
}
