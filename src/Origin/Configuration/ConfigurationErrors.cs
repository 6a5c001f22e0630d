using System.Text;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// Collects every configuration error so that start-up reports all of them at once, and remembers which
/// YAML nodes came from an environment variable so that an error there names the variable too.
/// </summary>
internal sealed class ConfigurationErrors
{
    private readonly List<string> _errors = [];
    private readonly Dictionary<YamlNode, string> _environmentSources = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<string> Items => _errors;

    /// <summary>Records that <paramref name="node"/> and everything below it was set by <paramref name="variable"/>.</summary>
    public void MarkFromEnvironment(YamlNode node, string variable)
    {
        _environmentSources[node] = variable;
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    MarkFromEnvironment(key, variable);
                    MarkFromEnvironment(value, variable);
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    MarkFromEnvironment(item, variable);
                }

                break;
        }
    }

    /// <summary>Adds <c>path: message</c>, followed by the environment variable that set one of <paramref name="nodes"/>, if any.</summary>
    public void Add(string path, string message, params YamlNode?[] nodes)
    {
        var line = new StringBuilder(path.Length == 0 ? "configuration" : path).Append(": ").Append(message);
        foreach (var node in nodes)
        {
            if (node is not null && _environmentSources.TryGetValue(node, out var variable))
            {
                line.Append(" (from ").Append(variable).Append(')');
                break;
            }
        }

        _errors.Add(line.ToString());
    }

    /// <summary>Throws a <see cref="ConfigurationException"/> carrying every error, if there is any.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ConfigurationException([.. _errors]);
        }
    }

    /// <summary>The value in double quotes with quotes, backslashes and control characters escaped.</summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(c);
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>Joins a key path and a child key with a dot.</summary>
    public static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;
}
