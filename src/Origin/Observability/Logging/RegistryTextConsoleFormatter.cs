using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace EdgeRegistry.Origin.Observability.Logging;

/// <summary>
/// <c>log.formatter: text</c>: one line per entry, <c>time level category: message key=value ...</c>, with the
/// fields of <see cref="RegistryLogRecord"/>. Values with spaces, quotes, <c>=</c> or control characters are
/// quoted and escaped, and line breaks in the message are escaped, so an entry never spans two lines. Never
/// throws: an entry that cannot be formatted is written as a line that says so.
/// </summary>
internal sealed class RegistryTextConsoleFormatter : RegistryConsoleFormatter
{
    public const string FormatterName = "registry-text";

    public RegistryTextConsoleFormatter(IOptionsMonitor<RegistryConsoleFormatterOptions> options)
        : base(FormatterName, options)
    {
    }

    /// <summary>For tests: fixed options.</summary>
    internal RegistryTextConsoleFormatter(RegistryConsoleFormatterOptions options)
        : base(FormatterName, options)
    {
    }

    protected override string Render(RegistryLogRecord record)
    {
        var line = new StringBuilder(128)
            .Append(record.Time).Append(' ')
            .Append(record.Level).Append(' ')
            .Append(record.Category).Append(": ");
        AppendEscaped(line, record.Message);
        foreach (var (key, value) in record.Fields)
        {
            line.Append(' ').Append(key).Append('=');
            AppendValue(line, value switch
            {
                null => "null",
                List<string> list => string.Join(",", list),
                _ => RegistryLogRecord.Text(value),
            });
        }

        return line.Append(Environment.NewLine).ToString();
    }

    private static void AppendValue(StringBuilder line, string value)
    {
        var needsQuotes = value.Length == 0;
        foreach (var c in value)
        {
            if (c is ' ' or '"' or '=' or '\\' || char.IsControl(c))
            {
                needsQuotes = true;
                break;
            }
        }

        if (!needsQuotes)
        {
            line.Append(value);
            return;
        }

        line.Append('"');
        foreach (var c in value)
        {
            if (c == '"')
            {
                line.Append("\\\"");
            }
            else if (c == '\\')
            {
                line.Append("\\\\");
            }
            else
            {
                AppendEscapedChar(line, c);
            }
        }

        line.Append('"');
    }

    private static void AppendEscaped(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            AppendEscapedChar(line, c);
        }
    }

    private static void AppendEscapedChar(StringBuilder line, char c)
    {
        switch (c)
        {
            case '\n': line.Append("\\n"); break;
            case '\r': line.Append("\\r"); break;
            case '\t': line.Append("\\t"); break;
            default:
                if (char.IsControl(c))
                {
                    line.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    line.Append(c);
                }

                break;
        }
    }
}
