using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.Maintenance;

/// <summary>Registers upload purging (<c>storage.maintenance.uploadpurging</c>).</summary>
internal static class MaintenanceServiceCollectionExtensions
{
    public static IServiceCollection AddUploadPurging(this IServiceCollection services, UploadPurgingOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<UploadPurger>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadPurger>());
        return services;
    }
}
