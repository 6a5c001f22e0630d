using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// The name of a registry as an image reference writes it: <c>host</c> or <c>host:port</c>, where host is a
/// DNS name, an IPv4 address or a bracketed IPv6 address (<c>[::1]:5000</c>).
/// </summary>
internal static class RegistryHost
{
    /// <summary>
    /// Splits <paramref name="registry"/> into a lower-case host (IPv6 without brackets) and an optional
    /// port. False, with a reason, when it is not a valid registry name.
    /// </summary>
    public static bool TrySplit(string? registry, out string host, out int? port, [NotNullWhen(false)] out string? reason)
    {
        host = string.Empty;
        port = null;
        if (string.IsNullOrWhiteSpace(registry))
        {
            reason = "registry name is empty";
            return false;
        }

        var hostPart = registry;
        string? portPart = null;
        if (registry.StartsWith('['))
        {
            var close = registry.IndexOf(']');
            if (close < 0)
            {
                reason = $"registry '{registry}' has an unclosed '['";
                return false;
            }

            hostPart = registry[1..close];
            var rest = registry[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    reason = $"registry '{registry}' has text after ']' that is not a port";
                    return false;
                }

                portPart = rest[1..];
            }

            if (Uri.CheckHostName(hostPart) != UriHostNameType.IPv6)
            {
                reason = $"registry '{registry}' has an invalid IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = registry.IndexOf(':');
            if (colon >= 0)
            {
                hostPart = registry[..colon];
                portPart = registry[(colon + 1)..];
            }

            if (Uri.CheckHostName(hostPart) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                reason = $"registry '{registry}' is not a host name or address";
                return false;
            }
        }

        if (portPart is not null)
        {
            if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                reason = $"registry '{registry}' has an invalid port";
                return false;
            }

            port = parsed;
        }

        host = hostPart.ToLowerInvariant();
        reason = null;
        return true;
    }

    /// <summary>
    /// The canonical form of a registry name: host lower-cased, Docker Hub's other names folded into
    /// <c>docker.io</c>. Throws <see cref="ArgumentException"/> when the name is not valid.
    /// </summary>
    public static string Normalize(string registry)
    {
        if (!TrySplit(registry, out var host, out var port, out var reason))
        {
            throw new ArgumentException(reason, nameof(registry));
        }

        return DockerHubNames.NormalizeRegistry(Join(host, port));
    }

    public static string Join(string host, int? port)
    {
        var h = host.Contains(':') ? $"[{host}]" : host;
        return port is { } p ? $"{h}:{p.ToString(CultureInfo.InvariantCulture)}" : h;
    }
}
