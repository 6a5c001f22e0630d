namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The <c>http</c> section: <c>addr</c> (default <c>127.0.0.1:5000</c>; <c>:5000</c> means every interface),
/// <c>host</c> (the externally reachable absolute URL, used to build <c>Location</c> headers),
/// <c>prefix</c> (the path before <c>/v2</c>, normalised to start and end with <c>/</c>), <c>relativeurls</c>,
/// <c>secret</c> (accepted for compatibility, unused), <c>tls</c> and <c>headers</c> added to every response.
/// </summary>
internal sealed record HttpOptions
{
    public const string DefaultAddr = "127.0.0.1:5000";

    public string Addr { get; init; } = DefaultAddr;

    /// <summary><see cref="Addr"/> parsed.</summary>
    public HttpListenAddress Listen { get; init; } = new("127.0.0.1", 5000);

    public Uri? Host { get; init; }

    /// <summary>Empty, or a path that starts and ends with <c>/</c>.</summary>
    public string Prefix { get; init; } = string.Empty;

    public bool RelativeUrls { get; init; }

    /// <summary>Distribution signs upload state with it; accepted so existing files load, otherwise unused.</summary>
    public string? Secret { get; init; }

    /// <summary>Null: plain HTTP.</summary>
    public HttpTlsOptions? Tls { get; init; }

    /// <summary>
    /// <c>http.sendfile</c>: a connection's first request for a whole blob in local storage, on plain HTTP/1.1, is
    /// sent with the kernel's sendfile and the connection closed afterwards. Off by default: on this project's
    /// benchmark machine the copy through Kestrel measured faster and steadier, and it keeps connections alive.
    /// </summary>
    public bool Sendfile { get; init; }

    /// <summary>Headers added to every response, names matched ignoring case.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    internal static HttpOptions Bind(ConfigMapping section)
    {
        var addr = section.String("addr", DefaultAddr);
        var listen = HttpListenAddress.TryParse(addr);
        if (listen is null)
        {
            section.Error("addr", $"{ConfigurationErrors.Quote(addr)} is not host:port or :port");
        }

        Uri? host = null;
        if (section.String("host") is { Length: > 0 } hostText)
        {
            if (Uri.TryCreate(hostText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            {
                host = parsed;
            }
            else
            {
                section.Error("host", $"{ConfigurationErrors.Quote(hostText)} is not an absolute http or https URL");
            }
        }

        var prefix = section.String("prefix", string.Empty);
        if (prefix.Length > 0)
        {
            if (!prefix.StartsWith('/'))
            {
                section.Error("prefix", $"{ConfigurationErrors.Quote(prefix)} must start with /");
            }
            else if (!prefix.EndsWith('/'))
            {
                prefix += "/";
            }
        }

        var options = new HttpOptions
        {
            Addr = addr,
            Listen = listen ?? new HttpListenAddress("127.0.0.1", 5000),
            Host = host,
            Prefix = prefix,
            RelativeUrls = section.Bool("relativeurls", false),
            Sendfile = section.Bool("sendfile", false),
            Secret = section.String("secret"),
            Tls = HttpTlsOptions.Bind(section.MappingOrEmpty("tls")),
            Headers = section.StringListMap("headers"),
        };
        section.ReportUnknownKeys();
        return options;
    }
}
