using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace EdgeRegistry.Origin.Observability.Logging;

/// <summary>
/// <c>log.formatter: json</c>: one JSON object per line, <c>{"time","level","msg","category","instance.id",...}</c>
/// followed by the fields of <see cref="RegistryLogRecord"/>. Never throws: an entry that cannot be formatted
/// is written as a line that says so.
/// </summary>
internal sealed class RegistryJsonConsoleFormatter : RegistryConsoleFormatter
{
    public const string FormatterName = "registry-json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Log readers are not HTML: keep '<', '+' and non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public RegistryJsonConsoleFormatter(IOptionsMonitor<RegistryConsoleFormatterOptions> options)
        : base(FormatterName, options)
    {
    }

    /// <summary>For tests: fixed options.</summary>
    internal RegistryJsonConsoleFormatter(RegistryConsoleFormatterOptions options)
        : base(FormatterName, options)
    {
    }

    protected override string Render(RegistryLogRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("time", record.Time);
            writer.WriteString("level", record.Level);
            writer.WriteString("msg", record.Message);
            writer.WriteString("category", record.Category);
            foreach (var (key, value) in record.Fields)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + Environment.NewLine;
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case List<string> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(RegistryLogRecord.Text(value));
                break;
        }
    }
}
