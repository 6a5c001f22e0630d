namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The configuration cannot be used. <see cref="Exception.Message"/> holds one line per error, each
/// starting with the full key path (<c>storage.maintenance.uploadpurging.age: "7x" is not a duration</c>);
/// <see cref="Errors"/> holds the same lines one by one.
/// </summary>
internal sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception(string.Join('\n', errors))
{
    /// <summary>Every error found, in the order of the configuration file's sections.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
