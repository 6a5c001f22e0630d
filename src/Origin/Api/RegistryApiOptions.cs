namespace EdgeRegistry.Origin.Api;

/// <summary>What the /v2 endpoints need of the configuration, mapped from <c>storage.delete</c>, <c>storage.maintenance.readonly</c>, <c>storage.redirect</c> and <c>http.sendfile</c>.</summary>
internal sealed record RegistryApiOptions
{
    /// <summary>Manifest and blob DELETE allowed (<c>storage.delete.enabled</c>); otherwise 405 UNSUPPORTED.</summary>
    public bool DeleteEnabled { get; init; }

    /// <summary>Every write refused with 405 UNSUPPORTED (<c>storage.maintenance.readonly.enabled</c>).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Blob GETs may answer with a redirect to the driver's URL (<c>storage.redirect.disable</c> false).</summary>
    public bool RedirectEnabled { get; init; }

    /// <summary>A connection's first whole-blob GET may be sent with sendfile, closing the connection (<c>http.sendfile</c>).</summary>
    public bool SendfileEnabled { get; init; }

    /// <summary>The largest manifest accepted, in bytes (the spec suggests 4 MiB).</summary>
    public int MaxManifestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Page size of tag and catalog listings when the client gives no <c>n</c>, and the largest <c>n</c> honoured.</summary>
    public int MaxPageSize { get; init; } = 1000;
}
