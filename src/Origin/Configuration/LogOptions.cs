namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The <c>log</c> section: <c>level</c> (error, warn, info, debug; default info), <c>formatter</c> (text or
/// json; default text), <c>fields</c> added to every entry, and <c>accesslog.disabled</c>. Distribution's
/// <c>log.hooks</c> (mail hooks) is rejected: the seed lists it as unsupported.
/// </summary>
internal sealed record LogOptions
{
    public RegistryLogLevel Level { get; init; } = RegistryLogLevel.Info;

    public LogFormat Formatter { get; init; } = LogFormat.Text;

    /// <summary>Static fields written on every log entry (e.g. <c>service: registry</c>).</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    /// <summary><c>log.accesslog.disabled</c>: no per-request access log lines.</summary>
    public bool AccessLogDisabled { get; init; }

    internal static LogOptions Bind(ConfigMapping section)
    {
        var level = section.OneOf("level", "info", "error", "warn", "info", "debug");
        var formatter = section.OneOf("formatter", "text", "text", "json");
        var accessLog = section.MappingOrEmpty("accesslog");
        var options = new LogOptions
        {
            Level = level switch
            {
                "error" => RegistryLogLevel.Error,
                "warn" => RegistryLogLevel.Warn,
                "debug" => RegistryLogLevel.Debug,
                _ => RegistryLogLevel.Info,
            },
            Formatter = formatter == "json" ? LogFormat.Json : LogFormat.Text,
            Fields = section.StringMap("fields"),
            AccessLogDisabled = accessLog.Bool("disabled", false),
        };
        accessLog.ReportUnknownKeys();
        section.Reject("hooks", "mail hooks are not supported");
        section.ReportUnknownKeys();
        return options;
    }
}
