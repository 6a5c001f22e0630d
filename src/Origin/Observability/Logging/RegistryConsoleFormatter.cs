using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace EdgeRegistry.Origin.Observability.Logging;

/// <summary>
/// What the text and JSON formatters share: the options, the building of a <see cref="RegistryLogRecord"/>,
/// and the rule that a formatter never throws — an entry that cannot be formatted is written as a line
/// that says so.
/// </summary>
internal abstract class RegistryConsoleFormatter : ConsoleFormatter
{
    private readonly Func<RegistryConsoleFormatterOptions> _options;

    protected RegistryConsoleFormatter(string name, IOptionsMonitor<RegistryConsoleFormatterOptions> options)
        : base(name)
    {
        _options = () => options.CurrentValue;
    }

    /// <summary>For tests: fixed options.</summary>
    protected RegistryConsoleFormatter(string name, RegistryConsoleFormatterOptions options)
        : base(name)
    {
        _options = () => options;
    }

    public sealed override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        RegistryConsoleFormatterOptions? options = null;
        try
        {
            options = _options();
            textWriter.Write(Render(RegistryLogRecord.Create(logEntry, scopeProvider, options)));
        }
        catch (Exception ex)
        {
            try
            {
                textWriter.Write(Render(RegistryLogRecord.Failed(logEntry, options, ex)));
            }
            catch (Exception)
            {
                // The writer itself is broken: there is nowhere left to report to.
            }
        }
    }

    /// <summary>One whole line, newline included.</summary>
    protected abstract string Render(RegistryLogRecord record);
}
