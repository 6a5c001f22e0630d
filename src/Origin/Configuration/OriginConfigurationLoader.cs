using System.Collections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// Loads the origin's configuration: the YAML file, then <c>REGISTRY_*</c> environment overrides
/// (<see cref="EnvironmentOverrides"/>), then binding and validation. Every error is collected first and
/// reported at once in a <see cref="ConfigurationException"/>, one line per error naming its key.
/// </summary>
internal static class OriginConfigurationLoader
{
    /// <summary>
    /// Loads from <paramref name="path"/>, else from <c>REGISTRY_CONFIGURATION_PATH</c> in
    /// <paramref name="environment"/>, else from <see cref="OriginDefaultConfiguration"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">The file is missing, unreadable or not YAML, or the configuration is invalid.</exception>
    public static OriginOptions Load(string? path, IReadOnlyDictionary<string, string> environment)
    {
        if (string.IsNullOrEmpty(path) && environment.TryGetValue(EnvironmentOverrides.ConfigurationPathVariable, out var fromEnvironment))
        {
            path = fromEnvironment;
        }

        if (string.IsNullOrEmpty(path))
        {
            return LoadYaml(OriginDefaultConfiguration.Yaml, "embedded default configuration", environment);
        }

        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigurationException([$"{path}: configuration file not found"]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException([$"{path}: cannot read the configuration file: {ex.Message}"]);
        }

        return LoadYaml(yaml, path, environment);
    }

    /// <summary>Loads from YAML text; <paramref name="source"/> names it in syntax errors.</summary>
    /// <exception cref="ConfigurationException">The text is not YAML or the configuration is invalid.</exception>
    public static OriginOptions LoadYaml(string yaml, string source, IReadOnlyDictionary<string, string> environment)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var cause = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            throw new ConfigurationException([$"{source}: line {ex.Start.Line}, column {ex.Start.Column}: {cause}"]);
        }

        var errors = new ConfigurationErrors();
        YamlMappingNode root;
        switch (stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode)
        {
            case null:
                root = new YamlMappingNode();
                break;
            case YamlMappingNode mapping:
                root = mapping;
                break;
            case var node when ConfigMapping.IsNull(node):
                root = new YamlMappingNode();
                break;
            case var node:
                throw new ConfigurationException([$"{source}: expected a mapping at the top level, found {ConfigMapping.Describe(node)}"]);
        }

        EnvironmentOverrides.Apply(root, environment, errors);
        var options = OriginOptions.Bind(new ConfigMapping(root, string.Empty, errors));
        errors.ThrowIfAny();
        return options;
    }

    /// <summary>This process's environment variables, for <see cref="Load"/>.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
