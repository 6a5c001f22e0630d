using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// Applies <c>REGISTRY_&lt;SECTION&gt;_&lt;KEY&gt;...</c> environment variables to the parsed YAML tree before it is
/// bound, as distribution does: the name after the prefix is split on <c>_</c>, each part matched ignoring case
/// against the keys at that level (a missing key is created in lower case, a scalar on the way is replaced by a
/// mapping), and the value is parsed as YAML (<c>true</c>, <c>5000</c>, <c>24h</c>, even <c>[a, b]</c>).
/// Variables are applied in ordinal order of their names.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Only variables whose first part names a section are applied: Kubernetes injects
/// <c>REGISTRY_SERVICE_HOST</c>, <c>REGISTRY_PORT</c>... for a Service named <c>registry</c>, and distribution
/// ignores those too. Inside a section an unknown key is an error, as in the file.</item>
/// <item>Setting a key of a storage driver (<c>REGISTRY_STORAGE_S3_BUCKET</c>) when the file configures another
/// driver replaces that driver; <c>REGISTRY_STORAGE=s3</c> does the same with no options. The general storage
/// options (delete, cache, maintenance, redirect) are kept.</item>
/// <item>Lists cannot be entered, except the middleware lists in OpenShift's form
/// <c>REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_ENFORCEQUOTA</c>: the part after the list names the entry by its
/// <c>name</c> (created if absent) and the rest is a key of its <c>options</c>.</item>
/// <item>An empty value is YAML null: the key takes its default.</item>
/// </list>
/// </remarks>
internal static class EnvironmentOverrides
{
    public const string Prefix = "REGISTRY_";

    public const string ConfigurationPathVariable = "REGISTRY_CONFIGURATION_PATH";

    private static readonly string[] MiddlewareLists = ["middleware.registry", "middleware.repository", "middleware.storage"];

    public static void Apply(YamlMappingNode root, IReadOnlyDictionary<string, string> environment, ConfigurationErrors errors)
    {
        foreach (var (name, value) in environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name == ConfigurationPathVariable)
            {
                continue;
            }

            var segments = name[Prefix.Length..].Split('_');
            if (segments.Any(s => s.Length == 0) || !OriginOptions.Sections.Contains(segments[0].ToLowerInvariant()))
            {
                continue;
            }

            var parsed = ParseValue(value);
            errors.MarkFromEnvironment(parsed, name);
            if (segments[0].Equals("storage", StringComparison.OrdinalIgnoreCase) && SwitchStorageDriver(root, segments, parsed, name, errors))
            {
                continue;
            }

            Set(root, segments, parsed, name, errors);
        }
    }

    /// <summary>Parses a variable's value as a YAML document; text that is not valid YAML stays a plain string.</summary>
    private static YamlNode ParseValue(string value)
    {
        if (value.Length == 0)
        {
            return new YamlScalarNode(string.Empty) { Style = ScalarStyle.Plain };
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(value));
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is { } node && !ConfigMapping.IsNull(node))
            {
                return node;
            }

            if (value.Trim() is "~" or "null" or "Null" or "NULL")
            {
                return new YamlScalarNode(string.Empty) { Style = ScalarStyle.Plain };
            }
        }
        catch (YamlException)
        {
            // Not YAML (e.g. "a: b: c"): fall through and keep the text.
        }

        // A value YAML reads as nothing (such as "#secret", a comment) is kept as the text it is.
        return new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted };
    }

    /// <summary>Handles <c>REGISTRY_STORAGE=driver</c> whole; for <c>REGISTRY_STORAGE_DRIVER_...</c> removes the other drivers and returns false.</summary>
    private static bool SwitchStorageDriver(YamlMappingNode root, string[] segments, YamlNode parsed, string variable, ConfigurationErrors errors)
    {
        string? driver;
        if (segments.Length == 1)
        {
            driver = parsed is YamlScalarNode { Value: { } text } ? text.ToLowerInvariant() : null;
            if (driver is null || !StorageOptions.DriverNames.Contains(driver))
            {
                return false;
            }
        }
        else
        {
            driver = segments[1].ToLowerInvariant();
            if (!StorageOptions.DriverNames.Contains(driver))
            {
                return false;
            }
        }

        var storage = GetOrCreateMapping(root, segments[0], variable, errors);
        foreach (var key in storage.Children.Keys.OfType<YamlScalarNode>().ToList())
        {
            var name = key.Value?.ToLowerInvariant();
            if (name is not null && StorageOptions.DriverNames.Contains(name) && (segments.Length == 1 || name != driver))
            {
                storage.Children.Remove(key);
            }
        }

        if (segments.Length > 1)
        {
            return false;
        }

        var driverKey = new YamlScalarNode(driver);
        var options = new YamlMappingNode();
        errors.MarkFromEnvironment(driverKey, variable);
        errors.MarkFromEnvironment(options, variable);
        storage.Children.Add(driverKey, options);
        return true;
    }

    private static void Set(YamlMappingNode root, string[] segments, YamlNode parsed, string variable, ConfigurationErrors errors)
    {
        var current = root;
        var path = string.Empty;
        for (var i = 0; i < segments.Length; i++)
        {
            var (keyNode, valueNode) = Find(current, segments[i]);
            if (keyNode is null)
            {
                keyNode = new YamlScalarNode(segments[i].ToLowerInvariant());
                errors.MarkFromEnvironment(keyNode, variable);
            }

            path = ConfigurationErrors.Child(path, keyNode.Value ?? string.Empty);
            if (i == segments.Length - 1)
            {
                current.Children[keyNode] = parsed;
                return;
            }

            var isMiddlewareList = MiddlewareLists.Contains(path, StringComparer.OrdinalIgnoreCase);
            if (isMiddlewareList && valueNode is null or YamlScalarNode)
            {
                // OpenShift's variables work without the list in the file: start one.
                var list = new YamlSequenceNode();
                errors.MarkFromEnvironment(list, variable);
                current.Children[keyNode] = list;
                valueNode = list;
            }

            switch (valueNode)
            {
                case YamlMappingNode mapping:
                    current = mapping;
                    break;
                case YamlSequenceNode sequence when isMiddlewareList:
                    if (i + 1 == segments.Length - 1)
                    {
                        errors.Add(path, "a middleware entry cannot be replaced from the environment, only its options", parsed);
                        return;
                    }

                    i++;
                    current = MiddlewareOptionsMapping(sequence, segments[i], variable, errors);
                    path = ConfigurationErrors.Child(path, segments[i].ToLowerInvariant() + ".options");
                    break;
                case YamlSequenceNode:
                    errors.Add(path, "is a list: its items cannot be set from the environment", parsed);
                    return;
                default:
                    var created = new YamlMappingNode();
                    errors.MarkFromEnvironment(created, variable);
                    current.Children[keyNode] = created;
                    current = created;
                    break;
            }
        }
    }

    /// <summary>The <c>options</c> mapping of the list entry whose <c>name</c> matches, both created if absent.</summary>
    private static YamlMappingNode MiddlewareOptionsMapping(YamlSequenceNode list, string name, string variable, ConfigurationErrors errors)
    {
        YamlMappingNode? entry = null;
        foreach (var item in list.Children)
        {
            if (item is YamlMappingNode mapping
                && Find(mapping, "name").Value is YamlScalarNode { Value: { } itemName }
                && itemName.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                entry = mapping;
                break;
            }
        }

        if (entry is null)
        {
            entry = new YamlMappingNode { { "name", name.ToLowerInvariant() } };
            errors.MarkFromEnvironment(entry, variable);
            list.Children.Add(entry);
        }

        return GetOrCreateMapping(entry, "options", variable, errors);
    }

    private static YamlMappingNode GetOrCreateMapping(YamlMappingNode parent, string key, string variable, ConfigurationErrors errors)
    {
        var (keyNode, valueNode) = Find(parent, key);
        if (valueNode is YamlMappingNode existing)
        {
            return existing;
        }

        if (keyNode is null)
        {
            keyNode = new YamlScalarNode(key.ToLowerInvariant());
            errors.MarkFromEnvironment(keyNode, variable);
        }

        var created = new YamlMappingNode();
        errors.MarkFromEnvironment(created, variable);
        parent.Children[keyNode] = created;
        return created;
    }

    private static (YamlScalarNode? Key, YamlNode? Value) Find(YamlMappingNode mapping, string key)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is YamlScalarNode { Value: { } name } scalar && name.Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                return (scalar, valueNode);
            }
        }

        return (null, null);
    }
}
