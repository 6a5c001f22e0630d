namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The <c>health</c> section: <c>storagedriver</c> {<c>enabled</c> (default false), <c>interval</c> between
/// checks (default 10s), <c>threshold</c> of consecutive failures before unhealthy (default 1)}.
/// </summary>
internal sealed record HealthOptions
{
    public bool StorageDriverEnabled { get; init; }

    public TimeSpan StorageDriverInterval { get; init; } = TimeSpan.FromSeconds(10);

    public int StorageDriverThreshold { get; init; } = 1;

    internal static HealthOptions Bind(ConfigMapping section)
    {
        var storageDriver = section.MappingOrEmpty("storagedriver");
        var options = new HealthOptions
        {
            StorageDriverEnabled = storageDriver.Bool("enabled", false),
            StorageDriverInterval = storageDriver.Duration("interval", TimeSpan.FromSeconds(10), allowZero: false),
            StorageDriverThreshold = storageDriver.Int("threshold", 1, minimum: 1),
        };
        storageDriver.ReportUnknownKeys();
        section.ReportUnknownKeys();
        return options;
    }
}
