using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Blobs;
using EdgeRegistry.Origin.Manifests;
using EdgeRegistry.Origin.Observability;
using EdgeRegistry.Origin.Uploads;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Api;

/// <summary>Registration and mapping of the <c>/v2</c> API.</summary>
internal static class RegistryApiExtensions
{
    /// <summary>Registers every piece of the API with TryAdd, so tests and later features can swap any of them.</summary>
    public static IServiceCollection AddRegistryApi(this IServiceCollection services, RegistryApiOptions options)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAccessGate, OpenAccessGate>();
        services.TryAddSingleton<BlobSender>();
        services.TryAddSingleton<UploadService>();
        services.TryAddSingleton<ManifestService>();
        services.TryAddSingleton<BlobEndpoints>();
        services.TryAddSingleton<UploadEndpoints>();
        services.TryAddSingleton<ManifestEndpoints>();
        services.TryAddSingleton<ListingEndpoints>();
        services.TryAddSingleton<ReferrerEndpoints>();
        services.TryAddSingleton<RegistryApi>();
        return services;
    }

    /// <summary>Maps <c>/v2/</c> and everything below it to the one dispatcher, behind the error middleware.</summary>
    public static IApplicationBuilder UseRegistryApi(this IApplicationBuilder app)
    {
        app.Use(ZeroCopySender.MarkConnectionOrder);
        return app.Map("/v2", v2 =>
        {
            v2.UseMiddleware<RequestMetricsMiddleware>();
            v2.UseMiddleware<RegistryErrorMiddleware>();
            var api = v2.ApplicationServices.GetRequiredService<RegistryApi>();
            v2.Run(context =>
            {
                // Map strips /v2 from Path; the dispatcher wants the full path back.
                context.Request.Path = context.Request.PathBase.Add(context.Request.Path);
                return api.HandleAsync(context);
            });
        });
    }
}
