using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Edge;
using EdgeRegistry.Integration.Tests.Harness;
using EdgeRegistry.Integration.Tests.PullThrough;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>
/// Debian's docker-registry as the remote (its access log on), seeded with <c>library/busybox:latest</c>, and the
/// edge's <c>upstream</c> options that alias <c>docker.io</c> to it. Subclasses say how the remote is secured.
/// </summary>
public abstract class MirrorFixture : IAsyncLifetime
{
    /// <summary>An origin address where nothing listens: mirror-mode edges never ask their origin.</summary>
    public static readonly Uri NoOrigin = new("http://127.0.0.1:9/");

    private DockerRegistryProcess? _remote;

    public OciLayoutBuilder Layout { get; } = new();

    public TempDirectory Directory { get; } = new("mirror-fixture-");

    public DockerRegistryProcess Remote => _remote ?? throw new InvalidOperationException("The fixture is not initialized.");

    public GeneratedImage Busybox { get; private set; } = null!;

    protected abstract DockerRegistryOptions RemoteOptions { get; }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _remote = await DockerRegistryProcess.StartAsync(RemoteOptions with { Environment = AccessLog.Enabled }, timeout.Token);
        Busybox = Layout.AddImage("latest", layerCount: 2, layerSize: 200 * 1024);
        using var skopeo = new Skopeo();
        (await skopeo.CopyAsync(Busybox.Reference, Remote.ImageReference("library/busybox", "latest"), destinationAccess: Remote.Access, cancellationToken: timeout.Token)).EnsureSuccess();
    }

    /// <summary>The edge's <c>upstream</c>: <c>docker.io</c> served by the remote, fast retries, <paramref name="allowed"/> as the allowlist.</summary>
    public abstract UpstreamOptions Upstream(IReadOnlyList<string> allowed);

    /// <summary>Starts an edge mirroring <c>docker.io</c>, also for requests without <c>ns</c> (so skopeo can pull through it).</summary>
    public Task<EdgeServer> StartMirrorAsync(CancellationToken cancellationToken, IReadOnlyList<string>? allowed = null, string defaultRegistry = "docker.io") =>
        EdgeServer.StartAsync(
            NoOrigin,
            options => options with
            {
                Upstream = Upstream(allowed ?? ["docker.io"]),
                Mirror = new MirrorOptions { Enabled = true, DefaultRegistry = defaultRegistry },
            },
            cancellationToken);

    public async Task DisposeAsync()
    {
        if (_remote is not null)
        {
            await _remote.DisposeAsync();
        }

        Layout.Dispose();
        Directory.Dispose();
    }
}
