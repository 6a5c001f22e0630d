namespace EdgeRegistry.Origin.Configuration;

/// <summary><c>storage.maintenance</c>: <c>uploadpurging</c> and <c>readonly.enabled</c> (refuse every write; default false).</summary>
internal sealed record StorageMaintenanceOptions
{
    public UploadPurgingOptions UploadPurging { get; init; } = new();

    public bool ReadOnly { get; init; }

    internal static StorageMaintenanceOptions Bind(ConfigMapping section)
    {
        var readOnly = section.MappingOrEmpty("readonly");
        var options = new StorageMaintenanceOptions
        {
            UploadPurging = UploadPurgingOptions.Bind(section.MappingOrEmpty("uploadpurging")),
            ReadOnly = readOnly.Bool("enabled", false),
        };
        readOnly.ReportUnknownKeys();
        section.ReportUnknownKeys();
        return options;
    }
}
