using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Edge.Configuration;

/// <summary>Parsers for the scalar forms the YAML file and the environment use; each throws <see cref="FormatException"/> with a message fit for an operator.</summary>
internal static class ConfigValue
{
    private static readonly (string Suffix, long Factor)[] SizeSuffixes =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1000L), ("MB", 1000L * 1000), ("GB", 1000L * 1000 * 1000), ("TB", 1000L * 1000 * 1000 * 1000),
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("B", 1L),
    ];

    private static readonly (string Suffix, TimeSpan Unit)[] DurationSuffixes =
    [
        ("ms", TimeSpan.FromMilliseconds(1)), ("s", TimeSpan.FromSeconds(1)), ("m", TimeSpan.FromMinutes(1)),
        ("h", TimeSpan.FromHours(1)), ("d", TimeSpan.FromDays(1)),
    ];

    /// <summary>A byte size: <c>1048576</c>, <c>512MiB</c>, <c>10GiB</c>, <c>2GB</c>, <c>1Gi</c>.</summary>
    public static long Size(string value)
    {
        var text = value.Trim();
        foreach (var (suffix, factor) in SizeSuffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                decimal.TryParse(text[..^suffix.Length].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return checked((long)(number * factor));
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : throw new FormatException($"'{value}' is not a size (bytes, or a number with KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
    }

    /// <summary>A duration: <c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, or <c>hh:mm:ss</c>.</summary>
    public static TimeSpan Duration(string value)
    {
        var text = value.Trim();
        foreach (var (suffix, unit) in DurationSuffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return unit * number;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && text.Contains(':')
            ? span
            : throw new FormatException($"'{value}' is not a duration (e.g. 250ms, 30s, 5m, 1h)");
    }

    /// <summary>A fraction in [0, 1]: <c>0.9</c> or <c>90%</c>.</summary>
    public static double Fraction(string value)
    {
        var text = value.Trim();
        var percent = text.EndsWith('%');
        if (percent)
        {
            text = text[..^1];
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            ? percent ? number / 100 : number
            : throw new FormatException($"'{value}' is not a fraction (e.g. 0.9 or 90%)");
    }

    public static int Integer(string value) =>
        int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"'{value}' is not an integer");

    /// <summary><c>true</c> or <c>false</c>, in any case.</summary>
    public static bool Boolean(string value) =>
        bool.TryParse(value.Trim(), out var flag)
            ? flag
            : throw new FormatException($"'{value}' is not true or false");

    public static Uri AbsoluteUri(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            ? uri
            : throw new FormatException($"'{value}' is not an absolute URL");

    /// <summary>
    /// A list of strings in YAML: a sequence (<c>[docker.io, "*.example.com"]</c> or a block list), or one scalar as
    /// a list of one; <c>[]</c> is the empty list.
    /// </summary>
    public static IReadOnlyList<string> StringList(string value) => ParseYaml(value) switch
    {
        YamlSequenceNode sequence => sequence.Children
            .Select(item => item is YamlScalarNode { Value: { Length: > 0 } text } ? text.Trim() : throw new FormatException("expected a list of strings"))
            .ToArray(),
        YamlScalarNode { Value: { Length: > 0 } text } => [text.Trim()],
        YamlScalarNode => [],
        _ => throw new FormatException("expected a list of strings"),
    };

    /// <summary>A mapping of strings to strings in YAML: <c>{docker.io: https://mirror:5000}</c> or a block mapping.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(string value)
    {
        if (ParseYaml(value) is not YamlMappingNode mapping)
        {
            throw new FormatException("expected a mapping (name: value)");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, item) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { Length: > 0 } name } || item is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                throw new FormatException("expected a mapping of names to single values");
            }

            result[name.Trim()] = text.Trim();
        }

        return result;
    }

    /// <summary>A list or mapping of the YAML file as text that <see cref="StringList"/> and <see cref="StringMap"/> read back.</summary>
    public static string ToText(YamlNode node)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlNode ParseYaml(string value)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(value));
        }
        catch (YamlException ex)
        {
            throw new FormatException($"'{value}' is not valid YAML: {ex.Message}");
        }

        return stream.Documents.Count == 0 ? new YamlScalarNode("") : stream.Documents[0].RootNode;
    }
}
