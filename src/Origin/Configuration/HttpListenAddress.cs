using System.Globalization;

namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// Where the HTTP server listens, parsed from <c>http.addr</c> as Go's <c>net.Listen</c> reads it:
/// <c>host:port</c>, <c>[ipv6]:port</c>, or <c>:port</c> for every interface. Port 0 asks for a free port.
/// </summary>
internal sealed record HttpListenAddress(string? Host, int Port)
{
    /// <summary>True when no host was given (<c>:5000</c>): listen on every interface.</summary>
    public bool AllInterfaces => Host is null;

    /// <summary>Parses <c>host:port</c> or <c>:port</c>; null when the text is neither.</summary>
    public static HttpListenAddress? TryParse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            return null;
        }

        var hostPart = text[..colon];
        var portPart = text[(colon + 1)..];
        if (!int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return null;
        }

        if (hostPart.Length == 0)
        {
            return new HttpListenAddress(null, port);
        }

        if (hostPart.StartsWith('[') && hostPart.EndsWith(']'))
        {
            var inner = hostPart[1..^1];
            return Uri.CheckHostName(inner) == UriHostNameType.IPv6 ? new HttpListenAddress(inner, port) : null;
        }

        // An unbracketed IPv6 address has more colons; Go rejects it too ("too many colons").
        return Uri.CheckHostName(hostPart) is UriHostNameType.IPv4 or UriHostNameType.Dns
            ? new HttpListenAddress(hostPart, port)
            : null;
    }

    /// <summary>A Kestrel URL for this address: <c>http://*:5000</c>, <c>https://127.0.0.1:5000</c>, <c>http://[::1]:5000</c>.</summary>
    public string ToUrl(string scheme)
    {
        var host = Host switch
        {
            null => "*",
            _ when Host.Contains(':') => "[" + Host + "]",
            _ => Host,
        };
        return scheme + "://" + host + ":" + Port.ToString(CultureInfo.InvariantCulture);
    }

    public override string ToString()
        => (Host is null ? string.Empty : Host.Contains(':') ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
