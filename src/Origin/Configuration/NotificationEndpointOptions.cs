namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// One <c>notifications.endpoints</c> item: <c>name</c> (required, unique), <c>disabled</c>, <c>url</c>
/// (required, absolute http or https), <c>headers</c>, <c>timeout</c> (default 1s), <c>threshold</c> (failures
/// before backing off, default 10), <c>backoff</c> (default 1s), <c>ignoredmediatypes</c> and
/// <c>ignore</c> {<c>mediatypes</c>, <c>actions</c>}.
/// </summary>
/// <remarks>
/// <c>timeout</c> and <c>backoff</c> take Go durations (<c>500ms</c>). A bare integer is read as
/// milliseconds: the seed's example (<c>timeout: 500</c>, <c>backoff: 1000</c>) means half a second and one
/// second. Distribution itself reads a bare integer as nanoseconds, which would make that example time out
/// at once; we follow the seed.
/// </remarks>
internal sealed record NotificationEndpointOptions
{
    public required string Name { get; init; }

    public bool Disabled { get; init; }

    public required Uri Url { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    public int Threshold { get; init; } = 10;

    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Events about manifests or blobs of these media types are not sent.</summary>
    public IReadOnlyList<string> IgnoredMediaTypes { get; init; } = [];

    /// <summary>Events with these actions (pull, push, delete, mount) are not sent.</summary>
    public IReadOnlyList<string> IgnoredActions { get; init; } = [];

    internal static NotificationEndpointOptions? Bind(ConfigMapping item)
    {
        var name = item.String("name");
        if (string.IsNullOrEmpty(name))
        {
            item.Error("name", "required");
        }

        var urlText = item.String("url");
        Uri? url = null;
        if (string.IsNullOrEmpty(urlText))
        {
            item.Error("url", "required");
        }
        else if (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
        {
            item.Error("url", $"{ConfigurationErrors.Quote(urlText)} is not an absolute http or https URL");
            url = null;
        }

        var disabled = item.Bool("disabled", false);
        var headers = item.StringListMap("headers");
        var milliseconds = TimeSpan.FromMilliseconds(1);
        var timeout = item.Duration("timeout", TimeSpan.FromSeconds(1), allowZero: false, bareIntegerUnit: milliseconds);
        var threshold = item.Int("threshold", 10, minimum: 1);
        var backoff = item.Duration("backoff", TimeSpan.FromSeconds(1), allowZero: false, bareIntegerUnit: milliseconds);
        var ignoredMediaTypes = item.StringList("ignoredmediatypes");
        var ignore = item.MappingOrEmpty("ignore");
        var ignoreMediaTypes = ignore.StringList("mediatypes");
        var ignoreActions = ignore.StringList("actions");
        foreach (var action in ignoreActions)
        {
            if (action is not ("pull" or "push" or "delete" or "mount"))
            {
                ignore.Error("actions", $"{ConfigurationErrors.Quote(action)} is not one of pull, push, delete, mount");
            }
        }

        ignore.ReportUnknownKeys();
        item.ReportUnknownKeys();
        if (string.IsNullOrEmpty(name) || url is null)
        {
            return null;
        }

        return new NotificationEndpointOptions
        {
            Name = name,
            Disabled = disabled,
            Url = url,
            Headers = headers,
            Timeout = timeout,
            Threshold = threshold,
            Backoff = backoff,
            IgnoredMediaTypes = [.. ignoredMediaTypes, .. ignoreMediaTypes],
            IgnoredActions = ignoreActions,
        };
    }
}
