using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Api;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.ImageStreams;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeRegistry.Origin.Tests.Access;

/// <summary>
/// A real origin on Kestrel at 127.0.0.1 with a random port, assembled from a generated config.yml with the
/// same registration calls as OriginApp (storage, metadata, access, image streams, /v2), but with a fake clock
/// and every log line captured. Data lives in a temp directory removed on dispose.
/// </summary>
internal sealed class AccessTestOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly bool _ownsRoot;

    private AccessTestOrigin(WebApplication app, string root, bool ownsRoot, FakeTimeProvider clock, CapturingLoggerProvider logs, Uri baseAddress)
    {
        _app = app;
        _ownsRoot = ownsRoot;
        Root = root;
        Clock = clock;
        Logs = logs;
        BaseAddress = baseAddress;
    }

    public string Root { get; }

    public FakeTimeProvider Clock { get; }

    public CapturingLoggerProvider Logs { get; }

    public Uri BaseAddress { get; }

    public string Host => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public IAccessStore Store => _app.Services.GetRequiredService<IAccessStore>();

    public IMetadataStore Metadata => _app.Services.GetRequiredService<IMetadataStore>();

    public AccessTokenService Tokens => _app.Services.GetRequiredService<AccessTokenService>();

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts an origin whose <c>auth</c> section is <paramref name="authYaml"/> (null: no auth section). A
    /// <paramref name="root"/> given by the caller is left in place on dispose (for restarts); the caller removes it.
    /// </summary>
    public static async Task<AccessTestOrigin> StartAsync(string? authYaml = DefaultAuth, string? root = null, FakeTimeProvider? clock = null, RegistryApiOptions? apiOptions = null)
    {
        var ownsRoot = root is null;
        root ??= Directory.CreateTempSubdirectory("edgeregistry-access-").FullName;
        clock ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var yaml = new StringBuilder()
            .AppendLine("version: 0.1")
            .AppendLine("http:")
            .AppendLine("  addr: 127.0.0.1:0")
            .AppendLine("storage:")
            .AppendLine("  filesystem:")
            .AppendLine($"    rootdirectory: '{root}'")
            .AppendLine("  delete:")
            .AppendLine("    enabled: true");
        if (authYaml is not null)
        {
            yaml.AppendLine(authYaml);
        }

        var options = OriginConfigurationLoader.LoadYaml(yaml.ToString(), "test", new Dictionary<string, string>());
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddStorage(options.Storage);
        builder.Services.AddMetadata(options.Metadata);
        builder.Services.AddOpenShiftAccess(options.Auth, options.Http, AccessSettings.DataDirectoryOf(options.Metadata));
        builder.Services.AddImageStreams(options.Http);
        builder.Services.AddRegistryApi(apiOptions ?? new RegistryApiOptions { DeleteEnabled = true });
        var app = builder.Build();
        app.UseRegistryApi();
        app.UseOpenShiftAccess();
        app.UseImageStreamApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AccessTestOrigin(app, root, ownsRoot, clock, logs, new Uri(address));
    }

    public const string DefaultAuth = """
        auth:
          openshift:
            realm: openshift
        """;

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };

    /// <summary>A client sending <c>Authorization: Basic user:secret</c>.</summary>
    public HttpClient Basic(string user, string secret)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }

    /// <summary>A client sending <c>Authorization: Bearer token</c>.</summary>
    public HttpClient Bearer(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a user with cluster roles and project roles and returns a fresh access token for it.</summary>
    public async Task<string> UserWithTokenAsync(string user, string[] clusterRoles, (string Project, string Role)[] projectRoles, TimeSpan? lifetime = null, string? password = null)
    {
        await Store.CreateUserAsync(user, password is null ? null : BCrypt.Net.BCrypt.HashPassword(password, 4), CancellationToken.None);
        foreach (var role in clusterRoles)
        {
            await Store.AddClusterRoleAsync(user, role, CancellationToken.None);
        }

        foreach (var (project, role) in projectRoles)
        {
            await Store.AddProjectRoleAsync(project, user, role, CancellationToken.None);
        }

        var (token, _) = await Tokens.MintAsync(user, lifetime, "test", CancellationToken.None);
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsRoot)
        {
            return;
        }

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
