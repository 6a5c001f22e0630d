using EdgeRegistry.Origin.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EdgeRegistry.Origin.PullThrough;

/// <summary>Registration of pull-through on the origin.</summary>
internal static class PullThroughServiceCollectionExtensions
{
    /// <summary>
    /// Registers pull-through with the settings of the <c>openshift</c> repository middleware (<c>pullthrough</c>,
    /// <c>mirrorpullthrough</c>, <c>blobrepositorycachettl</c>) and the <c>upstream</c> section. Needs the upstream
    /// clients (<c>AddUpstream</c>), storage and metadata; the blob endpoint finds it when it is registered. In
    /// read-only mode (<c>storage.maintenance.readonly</c>) blobs are streamed but not kept.
    /// </summary>
    public static IServiceCollection AddPullThrough(this IServiceCollection services, OpenShiftRepositoryOptions repository, UpstreamOptions upstream, bool readOnly)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new PullThroughSettings
        {
            Enabled = repository.PullThrough,
            Mirror = repository.MirrorPullThrough && !readOnly,
            CacheTtl = repository.BlobRepositoryCacheTtl,
            BlobTimeout = upstream.BlobTimeout,
            StallTimeout = upstream.Remote.AttemptTimeout,
        });
        services.TryAddSingleton<RemoteCandidates>();
        services.TryAddSingleton<IBlobPullThrough, BlobPullThrough>();
        return services;
    }
}
