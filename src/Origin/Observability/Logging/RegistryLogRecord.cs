using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Origin.Observability.Logging;

/// <summary>
/// One log entry reduced to what both formatters write: time, level, message, category, then named fields in
/// this order (the first of a name wins): <c>instance.id</c>, <c>log.fields</c>, <c>event.id</c>, the entry's
/// structured state (<c>{Repository}</c>, <c>{Digest}</c>...), the scopes' named values (request id, trace id),
/// <c>scope</c> for scopes without names, and <c>exception</c>. Field values are normalised to
/// null, string, bool, long, ulong, double, decimal or a list of strings, so writing them cannot throw.
/// </summary>
internal sealed class RegistryLogRecord
{
    public const string InstanceIdField = "instance.id";

    private const string OriginalFormat = "{OriginalFormat}";

    private static readonly string[] HeaderFields = ["time", "level", "msg", "category"];

    public required string Time { get; init; }

    public required string Level { get; init; }

    public required string Message { get; init; }

    public required string Category { get; init; }

    public List<KeyValuePair<string, object?>> Fields { get; } = [];

    /// <summary>Builds the record. Throws only if the entry's own message formatter throws; callers fall back then.</summary>
    public static RegistryLogRecord Create<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopeProvider, RegistryConsoleFormatterOptions options)
    {
        var record = new RegistryLogRecord
        {
            Time = FormatTime(options.TimeProvider),
            Level = LevelName(entry.LogLevel),
            Message = entry.Formatter(entry.State, entry.Exception) ?? string.Empty,
            Category = entry.Category,
        };
        var seen = new HashSet<string>(HeaderFields, StringComparer.Ordinal);

        record.Add(seen, InstanceIdField, options.InstanceId);
        foreach (var (key, value) in options.Fields)
        {
            record.Add(seen, key, value);
        }

        if (entry.EventId.Id != 0)
        {
            record.Add(seen, "event.id", entry.EventId.Id);
        }

        if (entry.State is IEnumerable<KeyValuePair<string, object?>> state)
        {
            record.AddPairs(seen, state);
        }

        if (options.IncludeScopes && scopeProvider is not null)
        {
            var unnamed = new List<string>();
            scopeProvider.ForEachScope(
                (scope, _) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        record.AddPairs(seen, pairs);
                    }
                    else if (scope is not null)
                    {
                        unnamed.Add(Text(scope));
                    }
                },
                (object?)null);
            if (unnamed.Count > 0)
            {
                record.Add(seen, "scope", unnamed);
            }
        }

        if (entry.Exception is not null)
        {
            record.Add(seen, "exception", entry.Exception.ToString());
        }

        return record;
    }

    /// <summary>The record of an entry that could not be formatted: says so, with the failure's type.</summary>
    public static RegistryLogRecord Failed<TState>(in LogEntry<TState> entry, RegistryConsoleFormatterOptions? options, Exception failure)
    {
        var record = new RegistryLogRecord
        {
            Time = SafeTime(options),
            Level = LevelName(entry.LogLevel),
            Message = "log entry could not be formatted: " + failure.GetType().Name,
            Category = entry.Category ?? string.Empty,
        };
        record.Fields.Add(new(InstanceIdField, options?.InstanceId ?? string.Empty));
        return record;
    }

    /// <summary>The names of <c>log.level</c>, plus trace and critical.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };

    /// <summary>A value as invariant text.</summary>
    public static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string FormatTime(TimeProvider clock)
        => clock.GetUtcNow().UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);

    private static string SafeTime(RegistryConsoleFormatterOptions? options)
    {
        try
        {
            return FormatTime(options?.TimeProvider ?? TimeProvider.System);
        }
        catch (Exception)
        {
            return FormatTime(TimeProvider.System);
        }
    }

    private void AddPairs(HashSet<string> seen, IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        foreach (var (key, value) in pairs)
        {
            if (key != OriginalFormat)
            {
                Add(seen, key, value);
            }
        }
    }

    private void Add(HashSet<string> seen, string key, object? value)
    {
        if (seen.Add(key))
        {
            Fields.Add(new(key, Normalize(value)));
        }
    }

    private static object? Normalize(object? value)
    {
        try
        {
            return value switch
            {
                null => null,
                string or bool or long or ulong or double or decimal => value,
                int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                float f => (double)f,
                Enum e => e.ToString(),
                List<string> list => list,
                IEnumerable items => items.Cast<object?>().Select(Text).ToList(),
                _ => Text(value),
            };
        }
        catch (Exception ex)
        {
            // A value whose ToString or enumeration throws must not cost the whole line.
            return "<unformattable " + value!.GetType().Name + ": " + ex.GetType().Name + ">";
        }
    }
}
