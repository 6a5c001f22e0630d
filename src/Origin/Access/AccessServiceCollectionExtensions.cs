using EdgeRegistry.Origin.Api;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.Metadata;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.Access;

/// <summary>Registration and mapping of the OpenShift access model.</summary>
internal static class AccessServiceCollectionExtensions
{
    /// <summary>
    /// With <paramref name="auth"/> null (no <c>auth</c> section): the open gate and open APIs, distribution's
    /// behaviour. Otherwise the OpenShift gate for <c>/v2</c>, the API access checks, the token and login
    /// endpoints, and the start-up bootstrap. Call before <c>AddRegistryApi</c> (which adds the open gate with
    /// TryAdd) and after <c>AddMetadata</c> (the bootstrap runs after the store's initialization).
    /// </summary>
    public static IServiceCollection AddOpenShiftAccess(this IServiceCollection services, AuthOptions? auth, HttpOptions http, string dataDirectory)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AccessPolicy>();
        if (auth is null)
        {
            services.TryAddSingleton<IAccessGate, OpenAccessGate>();
            services.TryAddSingleton<IApiAccess, OpenApiAccess>();
            return services;
        }

        var settings = new AccessSettings(auth.OpenShift, http.Host, dataDirectory);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(sp => auth.OpenShift.Htpasswd is { } htpasswd
            ? new UserDirectory(sp.GetRequiredService<IAccessStore>(), new HtpasswdUsers(htpasswd.Path, sp.GetRequiredService<ILogger<HtpasswdUsers>>()))
            : new UserDirectory(sp.GetRequiredService<IAccessStore>(), null));
        services.TryAddSingleton<AccessTokenService>();
        services.TryAddSingleton(sp => new RegistryTokenService(
            SigningKeyFile.LoadOrCreate(Path.Combine(dataDirectory, SigningKeyFile.FileName)),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<AccessChallenge>();
        services.TryAddSingleton<CallerResolver>();
        services.TryAddSingleton<IAccessGate, OpenShiftAccessGate>();
        services.TryAddSingleton<IApiAccess, OpenShiftApiAccess>();
        services.TryAddSingleton<AccessEndpoints>();
        services.AddHostedService<AccessBootstrapper>();
        return services;
    }

    /// <summary>Maps <c>/openshift/...</c> (token, login, whoami, tokens) behind the error middleware, when auth is configured.</summary>
    public static IApplicationBuilder UseOpenShiftAccess(this IApplicationBuilder app)
    {
        var endpoints = app.ApplicationServices.GetService<AccessEndpoints>();
        if (endpoints is null)
        {
            return app;
        }

        return app.Map("/openshift", branch =>
        {
            branch.UseMiddleware<RegistryErrorMiddleware>();
            branch.Run(endpoints.HandleAsync);
        });
    }
}
