using EdgeRegistry.Origin.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EdgeRegistry.Origin.Observability.Logging;

/// <summary>Registers the registry's logging from the <c>log</c> section.</summary>
internal static class RegistryLoggingBuilderExtensions
{
    /// <summary>
    /// Replaces every logging provider with the console, formatted as <c>log.formatter</c> says (text or json),
    /// sets the minimum level from <c>log.level</c>, and writes <paramref name="instanceId"/> as
    /// <c>instance.id</c>, the <c>log.fields</c> and the scopes' named values (request and trace ids) on every line.
    /// The <c>time</c> field uses the <see cref="TimeProvider"/> registered in the container, if any.
    /// </summary>
    public static ILoggingBuilder AddRegistryLogging(this ILoggingBuilder builder, LogOptions options, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instanceId);

        builder.ClearProviders();
        builder.SetMinimumLevel(ToLogLevel(options.Level));

        var json = options.Formatter == LogFormat.Json;
        builder.AddConsole(console => console.FormatterName = json
            ? RegistryJsonConsoleFormatter.FormatterName
            : RegistryTextConsoleFormatter.FormatterName);

        void Configure(RegistryConsoleFormatterOptions formatter)
        {
            formatter.InstanceId = instanceId;
            formatter.Fields = options.Fields;
            formatter.IncludeScopes = true;
        }

        if (json)
        {
            builder.AddConsoleFormatter<RegistryJsonConsoleFormatter, RegistryConsoleFormatterOptions>(Configure);
        }
        else
        {
            builder.AddConsoleFormatter<RegistryTextConsoleFormatter, RegistryConsoleFormatterOptions>(Configure);
        }

        builder.Services.AddOptions<RegistryConsoleFormatterOptions>()
            .Configure<IServiceProvider>((formatter, services) =>
                formatter.TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System);
        return builder;
    }

    /// <summary>The minimum <see cref="LogLevel"/> of a <c>log.level</c>.</summary>
    public static LogLevel ToLogLevel(RegistryLogLevel level) => level switch
    {
        RegistryLogLevel.Error => LogLevel.Error,
        RegistryLogLevel.Warn => LogLevel.Warning,
        RegistryLogLevel.Debug => LogLevel.Debug,
        _ => LogLevel.Information,
    };
}
