using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// One YAML mapping of the configuration, read key by key into typed values. Every read names its full
/// key path in the errors it reports; a missing or null value yields the default. Keys are matched
/// exactly (distribution's keys are lower case). After reading, <see cref="ReportUnknownKeys"/> turns every
/// key nobody asked for into an <c>unknown key</c> error.
/// </summary>
internal sealed class ConfigMapping
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ConfigMapping(YamlMappingNode node, string path, ConfigurationErrors errors)
    {
        _node = node;
        Path = path;
        Errors = errors;
    }

    /// <summary>The full key path of this mapping, e.g. <c>storage.maintenance</c> or <c>middleware.repository[0]</c>.</summary>
    public string Path { get; }

    public ConfigurationErrors Errors { get; }

    /// <summary>Whether <paramref name="key"/> is present, even with a null value. Does not count as a read.</summary>
    public bool Has(string key) => Find(key).Key is not null;

    /// <summary>Reports <c>path.key: message</c>, naming the environment variable that set the key, if one did.</summary>
    public void Error(string key, string message)
    {
        var (keyNode, valueNode) = Find(key);
        Errors.Add(ConfigurationErrors.Child(Path, key), message, valueNode, keyNode);
    }

    /// <summary>Reports <c>path: message</c> about this mapping as a whole.</summary>
    public void Error(string message) => Errors.Add(Path, message, _node);

    /// <summary>Marks <paramref name="key"/> as read and reports <paramref name="message"/> if it has a non-empty value.</summary>
    public void Reject(string key, string message)
    {
        _read.Add(key);
        var value = Find(key).Value;
        if (value is not null && !IsNull(value) && !(value is YamlMappingNode { Children.Count: 0 }))
        {
            Error(key, message);
        }
    }

    /// <summary>Reports every key that no read asked for.</summary>
    public void ReportUnknownKeys()
    {
        foreach (var (keyNode, valueNode) in _node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Errors.Add(Path, "keys must be strings", keyNode);
            }
            else if (!_read.Contains(key))
            {
                Errors.Add(ConfigurationErrors.Child(Path, key), "unknown key", keyNode, valueNode);
            }
        }
    }

    public string? String(string key) => Scalar(key, "a string");

    public string String(string key, string defaultValue) => String(key) ?? defaultValue;

    public bool Bool(string key, bool defaultValue)
    {
        var text = Scalar(key, "a boolean");
        if (text is null)
        {
            return defaultValue;
        }

        // YAML 1.1 booleans, as go-yaml (and so distribution) reads them.
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "on":
                return true;
            case "false" or "no" or "n" or "off":
                return false;
            default:
                Error(key, $"{ConfigurationErrors.Quote(text)} is not a boolean");
                return defaultValue;
        }
    }

    public int Int(string key, int defaultValue, int minimum = int.MinValue, int maximum = int.MaxValue)
        => (int)Long(key, defaultValue, minimum, maximum);

    public long Long(string key, long defaultValue, long minimum = long.MinValue, long maximum = long.MaxValue)
    {
        var text = Scalar(key, "an integer");
        if (text is null)
        {
            return defaultValue;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Error(key, $"{ConfigurationErrors.Quote(text)} is not an integer");
            return defaultValue;
        }

        if (value < minimum)
        {
            Error(key, $"must be at least {minimum.ToString(CultureInfo.InvariantCulture)}");
            return defaultValue;
        }

        if (value > maximum)
        {
            Error(key, $"must be at most {maximum.ToString(CultureInfo.InvariantCulture)}");
            return defaultValue;
        }

        return value;
    }

    /// <summary>
    /// A duration in Go syntax (<see cref="GoDuration"/>). A bare integer other than 0 is an error unless
    /// <paramref name="bareIntegerUnit"/> gives its unit. Negative durations are errors; so is zero unless
    /// <paramref name="allowZero"/>.
    /// </summary>
    public TimeSpan Duration(string key, TimeSpan defaultValue, bool allowZero = true, TimeSpan? bareIntegerUnit = null)
        => OptionalDuration(key, allowZero, bareIntegerUnit) ?? defaultValue;

    /// <inheritdoc cref="Duration"/>
    public TimeSpan? OptionalDuration(string key, bool allowZero = true, TimeSpan? bareIntegerUnit = null)
    {
        var text = Scalar(key, "a duration");
        if (text is null)
        {
            return null;
        }

        TimeSpan value;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) && integer != 0)
        {
            if (bareIntegerUnit is not { } unit)
            {
                Error(key, $"{ConfigurationErrors.Quote(text)} is not a duration (give a unit, e.g. {text}s)");
                return null;
            }

            try
            {
                value = checked(unit * integer);
            }
            catch (OverflowException)
            {
                Error(key, $"{ConfigurationErrors.Quote(text)} is not a duration");
                return null;
            }
        }
        else if (!GoDuration.TryParse(text, out value))
        {
            Error(key, $"{ConfigurationErrors.Quote(text)} is not a duration");
            return null;
        }

        if (value < TimeSpan.Zero)
        {
            Error(key, "must not be negative");
            return null;
        }

        if (value == TimeSpan.Zero && !allowZero)
        {
            Error(key, "must be greater than 0");
            return null;
        }

        return value;
    }

    /// <summary>One of <paramref name="allowed"/> (matched ignoring case, returned as listed), else the default.</summary>
    public string OneOf(string key, string defaultValue, params string[] allowed)
        => OptionalOneOf(key, allowed) ?? defaultValue;

    /// <inheritdoc cref="OneOf"/>
    public string? OptionalOneOf(string key, params string[] allowed)
    {
        var text = Scalar(key, "a string");
        if (text is null)
        {
            return null;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, text, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        Error(key, $"must be one of {string.Join(", ", allowed)}");
        return null;
    }

    /// <summary>The mapping at <paramref name="key"/>; null when absent or null (or, with an error, not a mapping).</summary>
    public ConfigMapping? Mapping(string key)
    {
        var value = Read(key);
        switch (value)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                return new ConfigMapping(mapping, ConfigurationErrors.Child(Path, key), Errors);
            default:
                if (!IsNull(value))
                {
                    Error(key, $"expected a mapping, found {Describe(value)}");
                }

                return null;
        }
    }

    /// <summary>The mapping at <paramref name="key"/>, or an empty one (so that every default applies) when absent or null.</summary>
    public ConfigMapping MappingOrEmpty(string key)
        => Mapping(key) ?? new ConfigMapping(new YamlMappingNode(), ConfigurationErrors.Child(Path, key), Errors);

    /// <summary>The list of mappings at <paramref name="key"/>; empty when absent. Items are named <c>key[i]</c>.</summary>
    public IReadOnlyList<ConfigMapping> MappingList(string key)
    {
        var items = new List<ConfigMapping>();
        var itemsPath = ConfigurationErrors.Child(Path, key);
        switch (Read(key))
        {
            case null:
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    var itemPath = itemsPath + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                    if (sequence.Children[i] is YamlMappingNode item)
                    {
                        items.Add(new ConfigMapping(item, itemPath, Errors));
                    }
                    else
                    {
                        Errors.Add(itemPath, $"expected a mapping, found {Describe(sequence.Children[i])}", sequence.Children[i]);
                    }
                }

                break;
            case var other when IsNull(other):
                break;
            case var other:
                Error(key, $"expected a list, found {Describe(other)}");
                break;
        }

        return items;
    }

    /// <summary>A list of strings; a single scalar counts as a list of one.</summary>
    public IReadOnlyList<string> StringList(string key)
    {
        var value = Read(key);
        return value is null ? [] : StringsOf(value, ConfigurationErrors.Child(Path, key));
    }

    /// <summary>
    /// Like <see cref="StringList"/>, but null when the key is absent or null, so that "not configured" can be
    /// told from an empty list (<c>upstream.allowed: []</c> allows nothing; no <c>upstream.allowed</c> allows all).
    /// </summary>
    public IReadOnlyList<string>? OptionalStringList(string key)
    {
        var value = Read(key);
        return value is null || IsNull(value) ? null : StringsOf(value, ConfigurationErrors.Child(Path, key));
    }

    /// <summary>A mapping of free-form keys to scalars (<c>log.fields</c>).</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var mapping = FreeFormMapping(key);
        if (mapping is null)
        {
            return result;
        }

        var mapPath = ConfigurationErrors.Child(Path, key);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            if (valueNode is YamlScalarNode scalar)
            {
                result[name] = IsNull(scalar) ? string.Empty : scalar.Value ?? string.Empty;
            }
            else
            {
                Errors.Add(ConfigurationErrors.Child(mapPath, name), $"expected a string, found {Describe(valueNode)}", valueNode, keyNode);
            }
        }

        return result;
    }

    /// <summary>A mapping of free-form keys to lists of strings (HTTP headers); a scalar value counts as a list of one.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> StringListMap(string key)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var mapping = FreeFormMapping(key);
        if (mapping is null)
        {
            return result;
        }

        var mapPath = ConfigurationErrors.Child(Path, key);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            result[name] = StringsOf(valueNode, ConfigurationErrors.Child(mapPath, name));
        }

        return result;
    }

    /// <summary>
    /// This whole mapping as plain values: scalars as their text (null for YAML null), lists as
    /// <see cref="List{T}"/> of values and mappings as dictionaries. Does not count as reading its keys.
    /// </summary>
    public IReadOnlyDictionary<string, object?> ToRawDictionary() => ToRawMap(_node);

    /// <summary>Whether a node is YAML null: <c>~</c>, <c>null</c> or nothing, unquoted.</summary>
    public static bool IsNull(YamlNode node)
        => node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
           && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>"a mapping", "a list" or "a string", for messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a string",
    };

    private static Dictionary<string, object?> ToRawMap(YamlMappingNode mapping)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            result[(keyNode as YamlScalarNode)?.Value ?? string.Empty] = ToRaw(valueNode);
        }

        return result;
    }

    private static object? ToRaw(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToRawMap(mapping),
        YamlSequenceNode sequence => sequence.Children.Select(ToRaw).ToList(),
        YamlScalarNode scalar when IsNull(scalar) => null,
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    private YamlMappingNode? FreeFormMapping(string key)
    {
        var value = Read(key);
        switch (value)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                foreach (var keyNode in mapping.Children.Keys)
                {
                    if (keyNode is not YamlScalarNode)
                    {
                        Error(key, "keys must be strings");
                        return null;
                    }
                }

                return mapping;
            default:
                if (!IsNull(value))
                {
                    Error(key, $"expected a mapping, found {Describe(value)}");
                }

                return null;
        }
    }

    private List<string> StringsOf(YamlNode value, string path)
    {
        var result = new List<string>();
        switch (value)
        {
            case YamlScalarNode scalar when IsNull(scalar):
                break;
            case YamlScalarNode scalar:
                result.Add(scalar.Value ?? string.Empty);
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    if (sequence.Children[i] is YamlScalarNode item)
                    {
                        result.Add(item.Value ?? string.Empty);
                    }
                    else
                    {
                        Errors.Add(path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", $"expected a string, found {Describe(sequence.Children[i])}", sequence.Children[i]);
                    }
                }

                break;
            default:
                Errors.Add(path, $"expected a list of strings, found {Describe(value)}", value);
                break;
        }

        return result;
    }

    private string? Scalar(string key, string expected)
    {
        var value = Read(key);
        switch (value)
        {
            case null:
                return null;
            case YamlScalarNode scalar when IsNull(scalar):
                return null;
            case YamlScalarNode scalar:
                return scalar.Value ?? string.Empty;
            default:
                Error(key, $"expected {expected}, found {Describe(value)}");
                return null;
        }
    }

    private YamlNode? Read(string key)
    {
        _read.Add(key);
        return Find(key).Value;
    }

    private (YamlNode? Key, YamlNode? Value) Find(string key)
    {
        foreach (var (keyNode, valueNode) in _node.Children)
        {
            if (keyNode is YamlScalarNode { Value: { } name } && string.Equals(name, key, StringComparison.Ordinal))
            {
                return (keyNode, valueNode);
            }
        }

        return (null, null);
    }
}
