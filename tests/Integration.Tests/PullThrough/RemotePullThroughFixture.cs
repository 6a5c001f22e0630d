using System.Text;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>
/// Debian's docker-registry as the remote (its access log on), seeded with <c>library/busybox:latest</c> (one
/// platform) and <c>library/multi:latest</c> (an index of two), and our origin whose <c>upstream</c> section aliases
/// <c>docker.io</c> to it and allows only <c>docker.io</c>. Subclasses say how the remote is secured.
/// </summary>
public abstract class RemotePullThroughFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("pullthrough-fixture-");
    private DockerRegistryProcess? _remote;
    private OriginProcess? _origin;

    /// <summary>The generated images, on disk.</summary>
    public OciLayoutBuilder Layout { get; } = new();

    public DockerRegistryProcess Remote => _remote ?? throw new InvalidOperationException("The fixture is not initialized.");

    public OriginProcess Origin => _origin ?? throw new InvalidOperationException("The fixture is not initialized.");

    public GeneratedImage Busybox { get; private set; } = null!;

    public GeneratedImage Multi { get; private set; } = null!;

    /// <summary>A directory for files the tests write (other configurations, credentials).</summary>
    public TempDirectory Directory => _directory;

    /// <summary>How the remote is started.</summary>
    protected abstract DockerRegistryOptions RemoteOptions { get; }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _remote = await DockerRegistryProcess.StartAsync(RemoteOptions with { Environment = AccessLog.Enabled }, timeout.Token);
        Busybox = Layout.AddImage("latest", layerCount: 2, layerSize: 200 * 1024);
        Multi = Layout.AddIndex("multi", layerCount: 1, layerSize: 100 * 1024);
        using var skopeo = new Skopeo();
        (await skopeo.CopyAsync(Busybox.Reference, Remote.ImageReference("library/busybox", "latest"), destinationAccess: Remote.Access, cancellationToken: timeout.Token)).EnsureSuccess();
        (await skopeo.CopyAsync(Multi.Reference, Remote.ImageReference("library/multi", "latest"), destinationAccess: Remote.Access, all: true, cancellationToken: timeout.Token)).EnsureSuccess();
        _origin = await OriginProcess.StartAsync(new OriginOptions { ExtraYaml = UpstreamYaml(allowed: ["docker.io"], insecure: []) }, timeout.Token);
    }

    /// <summary>
    /// The origin's <c>upstream</c> section: <c>docker.io</c> aliased to the remote, with fast retries, the given
    /// allowlist and insecure registries added to what the remote needs.
    /// </summary>
    public abstract string UpstreamYaml(IReadOnlyList<string> allowed, IReadOnlyList<string> insecure);

    /// <summary>
    /// A copy of the origin's config.yml (same storage and metadata) with another <c>upstream</c> section, for the
    /// admin command line to run with.
    /// </summary>
    public string WriteConfig(string name, string upstreamYaml)
    {
        var original = File.ReadAllText(Origin.ConfigPath);
        var cut = original.IndexOf("upstream:", StringComparison.Ordinal);
        var path = _directory.Combine(name);
        File.WriteAllText(path, original[..cut] + upstreamYaml + "\n");
        return path;
    }

    public async Task DisposeAsync()
    {
        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        if (_remote is not null)
        {
            await _remote.DisposeAsync();
        }

        Layout.Dispose();
        _directory.Dispose();
    }

    protected static string Section(IEnumerable<string> lines)
    {
        var yaml = new StringBuilder("upstream:\n");
        foreach (var line in lines)
        {
            yaml.Append("  ").Append(line).Append('\n');
        }

        return yaml.ToString();
    }

    protected static string List(IEnumerable<string> entries) => "[" + string.Join(", ", entries.Select(e => $"'{e}'")) + "]";
}
