namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>How <see cref="OriginProcess"/> configures the origin under test.</summary>
public sealed record OriginOptions
{
    /// <summary>
    /// Extra top-level YAML sections appended to the generated config.yml (for sections it does not
    /// already write: not version, http or storage; use <see cref="Environment"/> to change those).
    /// </summary>
    public string? ExtraYaml { get; init; }

    /// <summary>Extra environment (e.g. <c>REGISTRY_STORAGE_DELETE_ENABLED=false</c>); null removes a variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra command-line arguments after the dll path.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Serve HTTPS with a server certificate from a CA generated for this origin (<c>http.tls</c>).</summary>
    public bool Tls { get; init; }

    /// <summary>How long the origin may take to answer <c>GET /healthz</c> with 200.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
