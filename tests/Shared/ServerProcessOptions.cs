using System.Net;

namespace EdgeRegistry.Tests.Shared;

/// <summary>What <see cref="ServerProcess"/> starts and how it knows the server is ready.</summary>
public sealed record ServerProcessOptions
{
    /// <summary>A short name for messages ("origin", "docker-registry").</summary>
    public required string Name { get; init; }

    /// <summary>The executable (absolute path or a name on PATH).</summary>
    public required string FileName { get; init; }

    /// <summary>Arguments, passed verbatim (no shell).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>
    /// Environment changes on top of the test process's environment; a null value removes the variable.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The working directory; null keeps the test process's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Polled with GET until <see cref="IsReady"/> accepts the status code.</summary>
    public required Uri ReadinessUrl { get; init; }

    /// <summary>Which status of <see cref="ReadinessUrl"/> means ready; 200 by default.</summary>
    public Func<HttpStatusCode, bool> IsReady { get; init; } = status => status == HttpStatusCode.OK;

    /// <summary>How long to wait for readiness before the start fails with the captured output.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Builds the handler for readiness probes, e.g. one that trusts a test CA; null uses a plain handler.
    /// </summary>
    public Func<HttpMessageHandler>? CreateReadinessHandler { get; init; }
}
