using System.Collections;

namespace EdgeRegistry.Tests.Shared;

/// <summary>Builds the environment changes for a registry child process.</summary>
public static class ChildEnvironment
{
    /// <summary>
    /// Removes every inherited <c>REGISTRY_*</c> variable (a developer's shell must not reconfigure the
    /// server under test), then applies <paramref name="overrides"/> (null removes).
    /// </summary>
    public static Dictionary<string, string?> ForRegistry(IReadOnlyDictionary<string, string?>? overrides)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("REGISTRY_", StringComparison.Ordinal))
            {
                result[key] = null;
            }
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            result[key] = value;
        }

        return result;
    }
}
