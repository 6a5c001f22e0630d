namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// <c>storage.maintenance.uploadpurging</c>: every <c>interval</c> (default 24h) delete upload sessions
/// older than <c>age</c> (default 168h); <c>dryrun</c> only logs what it would delete. On by default.
/// </summary>
internal sealed record UploadPurgingOptions
{
    public bool Enabled { get; init; } = true;

    public TimeSpan Age { get; init; } = TimeSpan.FromHours(168);

    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(24);

    public bool DryRun { get; init; }

    internal static UploadPurgingOptions Bind(ConfigMapping section)
    {
        var options = new UploadPurgingOptions
        {
            Enabled = section.Bool("enabled", true),
            Age = section.Duration("age", TimeSpan.FromHours(168), allowZero: false),
            Interval = section.Duration("interval", TimeSpan.FromHours(24), allowZero: false),
            DryRun = section.Bool("dryrun", false),
        };
        section.ReportUnknownKeys();
        return options;
    }
}
