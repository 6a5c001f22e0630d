namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The options of the <c>openshift</c> repository middleware (seed 3.5.4.5), each overridable by
/// <c>REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_&lt;OPTION&gt;</c>:
/// <c>acceptschema2</c> (default true: current clients cannot push schema1; the seed's sample file sets false),
/// <c>pullthrough</c> (default true), <c>mirrorpullthrough</c> (default true: keep a copy of blobs pulled
/// through), <c>enforcequota</c> (default false), <c>projectcachettl</c> (default 1m) and
/// <c>blobrepositorycachettl</c> (default 10m); a TTL of 0 disables that cache.
/// </summary>
internal sealed record OpenShiftRepositoryOptions
{
    public bool AcceptSchema2 { get; init; } = true;

    public bool PullThrough { get; init; } = true;

    public bool MirrorPullThrough { get; init; } = true;

    public bool EnforceQuota { get; init; }

    public TimeSpan ProjectCacheTtl { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan BlobRepositoryCacheTtl { get; init; } = TimeSpan.FromMinutes(10);

    internal static OpenShiftRepositoryOptions Bind(ConfigMapping section)
    {
        var options = new OpenShiftRepositoryOptions
        {
            AcceptSchema2 = section.Bool("acceptschema2", true),
            PullThrough = section.Bool("pullthrough", true),
            MirrorPullThrough = section.Bool("mirrorpullthrough", true),
            EnforceQuota = section.Bool("enforcequota", false),
            ProjectCacheTtl = section.Duration("projectcachettl", TimeSpan.FromMinutes(1)),
            BlobRepositoryCacheTtl = section.Duration("blobrepositorycachettl", TimeSpan.FromMinutes(10)),
        };
        section.ReportUnknownKeys();
        return options;
    }
}
