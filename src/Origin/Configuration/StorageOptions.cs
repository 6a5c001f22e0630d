namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The <c>storage</c> section: exactly one driver (<c>filesystem</c>, <c>inmemory</c> or <c>s3</c>; the matching
/// property is set, the others are null) plus <c>delete.enabled</c> (default false; the seed calls it mandatory
/// for pruning), <c>redirect.disable</c> (default false), <c>cache.blobdescriptor</c> (inmemory or redis; none
/// when absent; the older name <c>cache.layerinfo</c> is accepted, as in the seed's S3 example) and
/// <c>maintenance</c>.
/// </summary>
internal sealed record StorageOptions
{
    public StorageDriverKind Driver { get; init; } = StorageDriverKind.Filesystem;

    public FilesystemStorageOptions? Filesystem { get; init; }

    /// <summary>True when the driver is <c>inmemory</c> (it has no options).</summary>
    public bool InMemory => Driver == StorageDriverKind.InMemory;

    public S3StorageOptions? S3 { get; init; }

    public bool DeleteEnabled { get; init; }

    /// <summary><c>redirect.disable</c>: serve blob bytes instead of redirecting to the driver's URL.</summary>
    public bool RedirectDisabled { get; init; }

    /// <summary>Null: no blob descriptor cache.</summary>
    public BlobDescriptorCacheKind? BlobDescriptorCache { get; init; }

    public StorageMaintenanceOptions Maintenance { get; init; } = new();

    internal static readonly string[] DriverNames = ["filesystem", "inmemory", "s3"];

    internal static StorageOptions Bind(ConfigMapping section)
    {
        var configured = DriverNames.Where(section.Has).ToList();
        if (configured.Count != 1)
        {
            section.Error("exactly one driver (filesystem, inmemory, s3) must be configured"
                          + (configured.Count > 1 ? $", found {string.Join(", ", configured)}" : string.Empty));
        }

        FilesystemStorageOptions? filesystem = null;
        S3StorageOptions? s3 = null;
        if (section.Has("filesystem"))
        {
            filesystem = FilesystemStorageOptions.Bind(section.MappingOrEmpty("filesystem"));
        }

        if (section.Has("inmemory"))
        {
            section.MappingOrEmpty("inmemory").ReportUnknownKeys();
        }

        if (section.Has("s3"))
        {
            s3 = S3StorageOptions.Bind(section.MappingOrEmpty("s3"));
        }

        var driver = configured.FirstOrDefault() switch
        {
            "inmemory" => StorageDriverKind.InMemory,
            "s3" => StorageDriverKind.S3,
            _ => StorageDriverKind.Filesystem,
        };

        var delete = section.MappingOrEmpty("delete");
        var deleteEnabled = delete.Bool("enabled", false);
        delete.ReportUnknownKeys();

        var redirect = section.MappingOrEmpty("redirect");
        var redirectDisabled = redirect.Bool("disable", false);
        redirect.ReportUnknownKeys();

        var cache = section.MappingOrEmpty("cache");
        var blobDescriptor = cache.OptionalOneOf("blobdescriptor", "inmemory", "redis");
        var layerInfo = cache.OptionalOneOf("layerinfo", "inmemory", "redis");
        if (blobDescriptor is not null && layerInfo is not null && blobDescriptor != layerInfo)
        {
            cache.Error("layerinfo", "conflicts with storage.cache.blobdescriptor (layerinfo is its older name)");
        }

        cache.ReportUnknownKeys();

        var options = new StorageOptions
        {
            Driver = driver,
            Filesystem = driver == StorageDriverKind.Filesystem ? filesystem : null,
            S3 = driver == StorageDriverKind.S3 ? s3 : null,
            DeleteEnabled = deleteEnabled,
            RedirectDisabled = redirectDisabled,
            BlobDescriptorCache = (blobDescriptor ?? layerInfo) switch
            {
                "inmemory" => BlobDescriptorCacheKind.InMemory,
                "redis" => BlobDescriptorCacheKind.Redis,
                _ => null,
            },
            Maintenance = StorageMaintenanceOptions.Bind(section.MappingOrEmpty("maintenance")),
        };
        section.ReportUnknownKeys();
        return options;
    }
}
