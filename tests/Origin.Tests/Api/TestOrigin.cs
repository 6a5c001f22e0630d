using EdgeRegistry.Origin.Api;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.Filesystem;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Origin.Tests.Api;

/// <summary>
/// A real origin API on Kestrel at 127.0.0.1 with a random port, filesystem storage and SQLite in a temp
/// directory (or the metadata store the caller passes). Requests go over real sockets.
/// </summary>
internal sealed class TestOrigin : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestOrigin(WebApplication app, string root, HttpClient client)
    {
        this.app = app;
        Root = root;
        Client = client;
    }

    public string Root { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public IStorageDriver Storage => app.Services.GetRequiredService<IStorageDriver>();

    /// <param name="options">The API's options; delete enabled when null.</param>
    /// <param name="root">The storage root; a new temp directory when null. Deleted on dispose.</param>
    /// <param name="metadata">The metadata store (initialized here, owned and disposed by the caller); SQLite in <paramref name="root"/> when null.</param>
    public static async Task<TestOrigin> StartAsync(RegistryApiOptions? options = null, string? root = null, IMetadataStore? metadata = null)
    {
        root ??= Directory.CreateTempSubdirectory("edgeregistry-api-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.AddSingleton<IStorageDriver>(new FilesystemStorageDriver(root));
        builder.Services.AddSingleton(metadata ?? new SqliteMetadataStore(Path.Combine(root, "metadata.db"), TimeProvider.System));
        builder.Services.AddRegistryApi(options ?? new RegistryApiOptions { DeleteEnabled = true });
        var app = builder.Build();
        await app.Services.GetRequiredService<IMetadataStore>().InitializeAsync(CancellationToken.None);
        app.UseRegistryApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        return new TestOrigin(app, root, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing handle; the temp dir is cleaned by the OS later.
        }
    }
}
