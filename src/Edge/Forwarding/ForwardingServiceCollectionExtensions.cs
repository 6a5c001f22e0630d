namespace EdgeRegistry.Edge.Forwarding;

/// <summary>Registers YARP's forwarder and the edge's connections to the origin.</summary>
public static class ForwardingServiceCollectionExtensions
{
    public static IServiceCollection AddOriginForwarding(this IServiceCollection services)
    {
        services.AddHttpForwarder();
        services.AddSingleton<OriginResilienceHandler.Pipeline>();
        services.AddSingleton<OriginClient>();
        services.AddSingleton<LocationRewritingTransformer>();
        services.AddSingleton<OriginForwarder>();
        services.AddSingleton<ApiRootEndpoint>();
        return services;
    }
}
