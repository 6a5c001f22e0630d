using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// The <c>host:port</c> image stream references name (<c>172.30.124.220:5000/test/busybox@sha256:...</c>): the
/// authority of <c>http.host</c> when set, else <c>http.addr</c> (127.0.0.1 for an address without host; the
/// port actually bound when it is 0). As in OpenShift, it names the registry's own address, not a route to it.
/// </summary>
internal sealed class RegistryHost(Func<string> resolve)
{
    private readonly Lazy<string> _value = new(resolve);

    public string Value => _value.Value;

    /// <summary>From configuration; <paramref name="boundPort"/> supplies the real port when <c>http.addr</c> asks for port 0.</summary>
    public static RegistryHost From(HttpOptions http, Func<int?>? boundPort = null) => new(() =>
    {
        if (http.Host is { } host)
        {
            return host.Authority;
        }

        var name = http.Listen.Host ?? "127.0.0.1";
        if (name.Contains(':'))
        {
            name = $"[{name}]";
        }

        var port = http.Listen.Port == 0 ? boundPort?.Invoke() ?? 0 : http.Listen.Port;
        return $"{name}:{port}";
    });

    /// <summary><c>host:port/repository</c>.</summary>
    public string Repository(string repository) => $"{Value}/{repository}";
}
