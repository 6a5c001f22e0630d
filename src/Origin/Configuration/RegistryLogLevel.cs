namespace EdgeRegistry.Origin.Configuration;

/// <summary>The values of <c>log.level</c>, from least to most verbose.</summary>
internal enum RegistryLogLevel
{
    Error,
    Warn,
    Info,
    Debug,
}
