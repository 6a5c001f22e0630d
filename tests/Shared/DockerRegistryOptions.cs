namespace EdgeRegistry.Tests.Shared;

/// <summary>How <see cref="DockerRegistryProcess"/> configures Debian's docker-registry.</summary>
public sealed record DockerRegistryOptions
{
    /// <summary>Users for htpasswd Basic auth (user name to password); empty means no auth.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>Serve HTTPS with a certificate issued by a CA generated for this registry.</summary>
    public bool Tls { get; init; }

    /// <summary>
    /// Turn on the registry's access log (one line on stdout per request), so that
    /// <see cref="DockerRegistryProcess.Requests"/> tells which requests reached it. Off by default: it is
    /// noise in the output of tests that do not count requests.
    /// </summary>
    public bool AccessLog { get; init; }

    /// <summary>
    /// Extra top-level YAML sections appended to the generated config.yml (for sections it does not
    /// already write: not version, log, storage or http, and auth only when <see cref="Users"/> is empty).
    /// </summary>
    public string? ExtraYaml { get; init; }

    /// <summary>Extra environment (the <c>REGISTRY_SECTION_KEY</c> overrides); null removes a variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
}
