namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The <c>middleware</c> section: three lists of <see cref="MiddlewareEntry"/>. Only the middleware this
/// registry implements may be named: <c>openshift</c> in each list, and <c>cloudfront</c> in <c>storage</c>
/// (which requires the s3 driver). Their options are bound to <see cref="OpenShift"/> and
/// <see cref="CloudFront"/>; an unknown option is an error like any unknown key.
/// </summary>
internal sealed record MiddlewareOptions
{
    public IReadOnlyList<MiddlewareEntry> Registry { get; init; } = [];

    public IReadOnlyList<MiddlewareEntry> Repository { get; init; } = [];

    public IReadOnlyList<MiddlewareEntry> Storage { get; init; } = [];

    /// <summary>The options of the enabled <c>openshift</c> repository middleware, or their defaults when it is absent.</summary>
    public OpenShiftRepositoryOptions OpenShift { get; init; } = new();

    /// <summary>The enabled <c>cloudfront</c> storage middleware, or null.</summary>
    public CloudFrontMiddlewareOptions? CloudFront { get; init; }

    internal static MiddlewareOptions Bind(ConfigMapping section, StorageDriverKind? storageDriver)
    {
        OpenShiftRepositoryOptions? openShift = null;
        CloudFrontMiddlewareOptions? cloudFront = null;

        var registry = BindList(section, "registry", ["openshift"], (entry, options, item) =>
        {
            options.ReportUnknownKeys();
        });
        var repository = BindList(section, "repository", ["openshift"], (entry, options, item) =>
        {
            var bound = OpenShiftRepositoryOptions.Bind(options);
            if (!entry.Disabled)
            {
                openShift = bound;
            }
        });
        var storage = BindList(section, "storage", ["openshift", "cloudfront"], (entry, options, item) =>
        {
            if (entry.Name == "openshift")
            {
                options.ReportUnknownKeys();
                return;
            }

            var bound = CloudFrontMiddlewareOptions.Bind(options);
            if (!entry.Disabled)
            {
                cloudFront = bound;
                if (storageDriver is not null and not StorageDriverKind.S3)
                {
                    item.Error("cloudfront requires the s3 storage driver");
                }
            }
        });
        section.ReportUnknownKeys();

        return new MiddlewareOptions
        {
            Registry = registry,
            Repository = repository,
            Storage = storage,
            OpenShift = openShift ?? new OpenShiftRepositoryOptions(),
            CloudFront = cloudFront,
        };
    }

    private static List<MiddlewareEntry> BindList(
        ConfigMapping section, string key, string[] known, Action<MiddlewareEntry, ConfigMapping, ConfigMapping> bindOptions)
    {
        var entries = new List<MiddlewareEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in section.MappingList(key))
        {
            var name = item.String("name");
            var disabled = item.Bool("disabled", false);
            var options = item.MappingOrEmpty("options");
            var raw = options.ToRawDictionary();
            item.ReportUnknownKeys();

            if (string.IsNullOrEmpty(name))
            {
                item.Error("name", "required");
                continue;
            }

            if (!known.Contains(name, StringComparer.Ordinal))
            {
                item.Error("name", $"unknown {key} middleware {ConfigurationErrors.Quote(name)} (known: {string.Join(", ", known)})");
                continue;
            }

            if (!seen.Add(name))
            {
                item.Error("name", $"{ConfigurationErrors.Quote(name)} is listed twice");
                continue;
            }

            var entry = new MiddlewareEntry { Name = name, Disabled = disabled, Options = raw };
            bindOptions(entry, options, item);
            entries.Add(entry);
        }

        return entries;
    }
}
