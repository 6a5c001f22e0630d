namespace EdgeRegistry.Edge.Authorization;

/// <summary>Registers the origin-checked authorization of cached content.</summary>
public static class AuthorizationServiceCollectionExtensions
{
    public static IServiceCollection AddOriginAuthorization(this IServiceCollection services)
    {
        services.AddSingleton<OriginAuthorizer>();
        return services;
    }
}
