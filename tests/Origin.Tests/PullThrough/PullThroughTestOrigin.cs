using System.Text;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Api;
using EdgeRegistry.Origin.Caching;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.ImageStreams;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.PullThrough;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Tests.Access;
using EdgeRegistry.Origin.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.PullThrough;

/// <summary>
/// A real origin on Kestrel at 127.0.0.1 with the same registration calls as OriginApp (storage, metadata, blob descriptor cache, access,
/// image streams, upstream clients, imports, pull-through, /v2), configured from a generated config.yml whose
/// <c>upstream</c> section aliases <c>docker.io</c> to a <see cref="FakeRemoteRegistry"/>. Logs are captured; data
/// lives in a temp directory removed on dispose.
/// </summary>
internal sealed class PullThroughTestOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _disposed;

    private PullThroughTestOrigin(WebApplication app, string root, Uri baseAddress, CapturingLoggerProvider logs)
    {
        _app = app;
        Root = root;
        BaseAddress = baseAddress;
        Logs = logs;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public string Root { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public IMetadataStore Metadata => _app.Services.GetRequiredService<IMetadataStore>();

    public ImageImporter Importer => _app.Services.GetRequiredService<ImageImporter>();

    public BlobPullThrough PullThrough => (BlobPullThrough)_app.Services.GetRequiredService<IBlobPullThrough>();

    /// <summary>
    /// Starts an origin whose <c>upstream</c> section aliases <c>docker.io</c> to <paramref name="remote"/> (listed as
    /// insecure: it is plain HTTP), with fast retries, plus <paramref name="extraUpstream"/> lines, other top-level
    /// sections such as <c>middleware</c> or <c>auth</c> (<paramref name="extraYaml"/>) and <c>REGISTRY_*</c> overrides (<paramref name="environment"/>).
    /// </summary>
    public static async Task<PullThroughTestOrigin> StartAsync(
        FakeRemoteRegistry remote,
        string? extraUpstream = null,
        string? extraYaml = null,
        FakeTimeProvider? clock = null,
        IReadOnlyDictionary<string, string>? environment = null,
        FakeRemoteRegistry? quay = null)
    {
        var root = Directory.CreateTempSubdirectory("edgeregistry-pullthrough-").FullName;
        var yaml = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("http:")
            .AppendLine("  addr: 127.0.0.1:0")
            .AppendLine("storage:")
            .AppendLine("  filesystem:")
            .AppendLine($"    rootdirectory: '{root}'")
            .AppendLine("  delete:")
            .AppendLine("    enabled: true")
            .AppendLine("upstream:")
            .AppendLine("  aliases:")
            .AppendLine($"    docker.io: {remote.BaseAddress.ToString().TrimEnd('/')}")
            .AppendLine(quay is null ? string.Empty : $"    quay.io: {quay.BaseAddress.ToString().TrimEnd('/')}")
            .AppendLine($"  insecure: [docker.io, quay.io]")
            .AppendLine("  retrydelay: 10ms")
            .AppendLine("  retrymaxdelay: 50ms");
        if (extraUpstream is not null)
        {
            yaml.AppendLine(extraUpstream);
        }

        if (extraYaml is not null)
        {
            yaml.AppendLine(extraYaml);
        }

        var options = OriginConfigurationLoader.LoadYaml(yaml.ToString(), "test", environment ?? new Dictionary<string, string>());
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.AddSingleton<TimeProvider>(clock ?? (TimeProvider)TimeProvider.System);
        builder.Services.AddStorage(options.Storage);
        builder.Services.AddMetadata(options.Metadata);
        builder.Services.AddBlobDescriptorCache(options.Storage, options.Redis);
        builder.Services.AddOpenShiftAccess(options.Auth, options.Http, AccessSettings.DataDirectoryOf(options.Metadata));
        builder.Services.AddImageStreams(options.Http);
        builder.Services.AddUpstream(options.Upstream);
        builder.Services.AddImageImports();
        builder.Services.AddPullThrough(options.Middleware.OpenShift, options.Upstream, options.Storage.Maintenance.ReadOnly);
        builder.Services.AddRegistryApi(new RegistryApiOptions { DeleteEnabled = true });
        var app = builder.Build();
        app.UseRegistryApi();
        app.UseOpenShiftAccess();
        app.UseImageStreamApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PullThroughTestOrigin(app, root, new Uri(address), logs);
    }

    /// <summary>The path of a blob's data in the filesystem storage.</summary>
    public string BlobFile(Digest digest) => Path.Combine(Root, "docker", "registry", "v2", "blobs", digest.Algorithm, digest.Hex[..2], digest.Hex, "data");

    /// <summary>Upload directories left in the storage tree (every repository's <c>_uploads</c>).</summary>
    public IReadOnlyList<string> LeftoverUploads()
    {
        var repositories = Path.Combine(Root, "docker", "registry", "v2", "repositories");
        return Directory.Exists(repositories)
            ? Directory.EnumerateDirectories(repositories, "_uploads", SearchOption.AllDirectories).SelectMany(Directory.EnumerateFileSystemEntries).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing; the OS cleans the temp directory later.
        }
    }
}
