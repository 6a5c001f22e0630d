namespace EdgeRegistry.Edge.Configuration;

/// <summary>Logging.</summary>
public sealed record LogOptions
{
    /// <summary>Minimum level: trace, debug, information, warning, error, critical or none.</summary>
    public string Level { get; init; } = "information";
}
