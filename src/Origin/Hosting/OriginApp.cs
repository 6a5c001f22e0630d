using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Api;
using EdgeRegistry.Origin.Caching;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.ImageStreams;
using EdgeRegistry.Origin.Maintenance;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Observability.Logging;
using EdgeRegistry.Origin.PullThrough;
using EdgeRegistry.Origin.Storage;
using EdgeRegistry.Origin.Storage.CloudFront;
using EdgeRegistry.Origin.Upstream;

namespace EdgeRegistry.Origin.Hosting;

/// <summary>The origin server, assembled from its configuration: each line one feature.</summary>
internal static partial class OriginApp
{
    public static WebApplication Build(OriginOptions options, string[] args)
    {
        var instanceId = Guid.NewGuid().ToString("N")[..12];
        // No appsettings reloads: the host would watch its content root, the working directory, recursively, and
        // the data directory lies below it (an inotify watch per repository). Configuration is config.yml.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Logging.AddRegistryLogging(options.Log, instanceId);
        // Kestrel's per-request lines would double every request's cost; its warnings and errors stay.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddListener(options.Http);
        builder.Services.AddStorage(options.Storage);
        builder.Services.AddCloudFrontRedirects(options);
        builder.Services.AddMetadata(options.Metadata);
        builder.Services.AddBlobDescriptorCache(options.Storage, options.Redis);
        builder.Services.AddOpenShiftAccess(options.Auth, options.Http, AccessSettings.DataDirectoryOf(options.Metadata));
        builder.Services.AddImageStreams(options.Http);
        builder.Services.AddUpstream(options.Upstream);
        builder.Services.AddImageImports();
        builder.Services.AddPullThrough(options.Middleware.OpenShift, options.Upstream, options.Storage.Maintenance.ReadOnly);
        builder.Services.AddRegistryApi(ApiOptions(options.Storage, options.Http));
        builder.Services.AddUploadPurging(options.Storage.Maintenance.UploadPurging);
        builder.Services.AddOriginHealth();

        var app = builder.Build();
        app.UseRegistryApi();
        app.UseOpenShiftAccess();
        app.UseImageStreamApi();
        app.MapOriginHealth();
        app.Lifetime.ApplicationStarted.Register(() => Log.Listening(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeRegistry.Origin"),
            options.Http.Listen.ToString(),
            options.Http.Tls is null ? string.Empty : ", tls",
            options.Storage.Driver.ToString().ToLowerInvariant()));
        return app;
    }

    private static RegistryApiOptions ApiOptions(StorageOptions storage, HttpOptions http) => new()
    {
        SendfileEnabled = http.Sendfile,
        DeleteEnabled = storage.DeleteEnabled,
        ReadOnly = storage.Maintenance.ReadOnly,
        RedirectEnabled = !storage.RedirectDisabled,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "listening on {Address}{Tls} (storage {Driver})")]
        public static partial void Listening(ILogger logger, string address, string tls, string driver);
    }
}
