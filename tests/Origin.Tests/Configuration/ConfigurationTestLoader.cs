using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.Tests.Configuration;

/// <summary>Loads YAML text with an explicit environment, as the tests need it.</summary>
internal static class ConfigurationTestLoader
{
    public static OriginOptions Load(string yaml, params (string Name, string Value)[] environment)
        => OriginConfigurationLoader.LoadYaml(yaml, "test.yml", environment.ToDictionary(e => e.Name, e => e.Value));

    public static ConfigurationException Fail(string yaml, params (string Name, string Value)[] environment)
        => Assert.Throws<ConfigurationException>(() => Load(yaml, environment));

    /// <summary>The seed's minimal file with <paramref name="section"/> appended.</summary>
    public static string WithMinimal(string section) => SeedConfigurations.Minimal + "\n" + section;
}
