using System.Globalization;
using System.Text;

namespace EdgeRegistry.Signing.Jws;

/// <summary>
/// Writes JSON exactly as Go's <c>encoding/json</c> does with <c>Marshal</c> (no indent) or
/// <c>MarshalIndent(v, prefix, indent)</c>, for the few shapes libtrust serialises: objects whose
/// members keep the order given, arrays, strings and integers. libtrust signatures must be laid out
/// byte for byte like Go's so that other tools read the same manifest the same way.
/// </summary>
internal static class GoJsonWriter
{
    /// <summary>An object member; objects are lists of these, in output order.</summary>
    public readonly record struct Member(string Name, object Value);

    public static string Write(object value, string prefix, string indent)
    {
        var json = new StringBuilder();
        WriteValue(json, value, prefix, indent, depth: 0);
        return json.ToString();
    }

    private static void WriteValue(StringBuilder json, object value, string prefix, string indent, int depth)
    {
        var pretty = prefix.Length > 0 || indent.Length > 0;
        switch (value)
        {
            case string text:
                WriteString(json, text);
                break;
            case int or long:
                json.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case IReadOnlyList<Member> members:
                json.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    json.Append(i == 0 ? string.Empty : ",");
                    NewLine(json, pretty, prefix, indent, depth + 1);
                    WriteString(json, members[i].Name);
                    json.Append(pretty ? ": " : ":");
                    WriteValue(json, members[i].Value, prefix, indent, depth + 1);
                }

                NewLine(json, pretty && members.Count > 0, prefix, indent, depth);
                json.Append('}');
                break;
            case IReadOnlyList<object> items:
                json.Append('[');
                for (var i = 0; i < items.Count; i++)
                {
                    json.Append(i == 0 ? string.Empty : ",");
                    NewLine(json, pretty, prefix, indent, depth + 1);
                    WriteValue(json, items[i], prefix, indent, depth + 1);
                }

                NewLine(json, pretty && items.Count > 0, prefix, indent, depth);
                json.Append(']');
                break;
            default:
                throw new ArgumentException($"GoJsonWriter cannot write a {value.GetType().Name}.", nameof(value));
        }
    }

    private static void NewLine(StringBuilder json, bool pretty, string prefix, string indent, int depth)
    {
        if (!pretty)
        {
            return;
        }

        json.Append('\n').Append(prefix);
        for (var i = 0; i < depth; i++)
        {
            json.Append(indent);
        }
    }

    // Go escapes the JSON specials, control characters, and also <, >, & and U+2028/U+2029 (HTML safety).
    private static void WriteString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: json.Append(c); break;
            }
        }

        json.Append('"');
    }
}
