using EdgeRegistry.Origin.Api;
using EdgeRegistry.Origin.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>Registration and mapping of projects, image streams and their API.</summary>
internal static class ImageStreamServiceCollectionExtensions
{
    /// <summary>Registers the image stream service and the <c>/apis</c> endpoints (access checks come from <c>AddOpenShiftAccess</c>).</summary>
    public static IServiceCollection AddImageStreams(this IServiceCollection services, HttpOptions http)
    {
        services.TryAddSingleton(sp => RegistryHost.From(http, () => BoundPort(sp)));
        services.TryAddSingleton<ImageStreamService>();
        services.TryAddSingleton<ImageStreamEndpoints>();
        services.TryAddSingleton<ProjectEndpoints>();
        services.TryAddSingleton<RoleBindingEndpoints>();
        services.TryAddSingleton<OpenShiftApi>();
        return services;
    }

    /// <summary>
    /// Registers imports from remote registries (<see cref="ImageImporter"/> and the API's import endpoints). Needs the
    /// upstream clients (<c>AddUpstream</c>); call before <see cref="AddImageStreams"/>'s endpoints are first resolved.
    /// </summary>
    public static IServiceCollection AddImageImports(this IServiceCollection services)
    {
        services.TryAddSingleton<ImageImporter>();
        services.TryAddSingleton<ImageStreamImportEndpoints>();
        return services;
    }

    /// <summary>Maps <c>/apis/...</c> behind the error middleware.</summary>
    public static IApplicationBuilder UseImageStreamApi(this IApplicationBuilder app)
    {
        var api = app.ApplicationServices.GetRequiredService<OpenShiftApi>();
        return app.Map("/apis", branch =>
        {
            branch.UseMiddleware<RegistryErrorMiddleware>();
            branch.Run(api.HandleAsync);
        });
    }

    /// <summary>The port Kestrel bound (for <c>http.addr</c> with port 0), or null outside a server.</summary>
    private static int? BoundPort(IServiceProvider services)
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is not null && Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Port : null;
    }
}
