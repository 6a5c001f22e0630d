namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// <c>storage.s3</c>, with distribution's keys and defaults: <c>region</c> and <c>bucket</c> required;
/// <c>accesskey</c> and <c>secretkey</c> together or not at all (then the SDK's credential chain applies);
/// <c>regionendpoint</c> for S3-compatible stores; <c>encrypt</c> (false) with optional KMS <c>keyid</c>;
/// <c>secure</c> (true); <c>v4auth</c> (true); <c>chunksize</c> in bytes (at least 5 MiB, default 10 MiB);
/// <c>rootdirectory</c> (object key prefix, default empty); <c>forcepathstyle</c> (default true when
/// <c>regionendpoint</c> is set, false otherwise).
/// </summary>
internal sealed record S3StorageOptions
{
    public const long MinimumChunkSize = 5L * 1024 * 1024;

    public const long DefaultChunkSize = 2 * MinimumChunkSize;

    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    public required string Region { get; init; }

    public Uri? RegionEndpoint { get; init; }

    public required string Bucket { get; init; }

    public bool Encrypt { get; init; }

    public string? KeyId { get; init; }

    public bool Secure { get; init; } = true;

    public bool V4Auth { get; init; } = true;

    /// <summary>Multipart upload part size in bytes.</summary>
    public long ChunkSize { get; init; } = DefaultChunkSize;

    public string RootDirectory { get; init; } = string.Empty;

    public bool ForcePathStyle { get; init; }

    internal static S3StorageOptions Bind(ConfigMapping section)
    {
        var accessKey = section.String("accesskey");
        var secretKey = section.String("secretkey");
        if (string.IsNullOrEmpty(accessKey) != string.IsNullOrEmpty(secretKey))
        {
            section.Error(string.IsNullOrEmpty(accessKey) ? "accesskey" : "secretkey", "accesskey and secretkey must be set together");
        }

        var region = section.String("region");
        if (string.IsNullOrEmpty(region))
        {
            section.Error("region", "required");
        }

        var bucket = section.String("bucket");
        if (string.IsNullOrEmpty(bucket))
        {
            section.Error("bucket", "required");
        }

        Uri? endpoint = null;
        if (section.String("regionendpoint") is { Length: > 0 } endpointText)
        {
            if (Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https")
            {
                endpoint = parsed;
            }
            else
            {
                section.Error("regionendpoint", $"{ConfigurationErrors.Quote(endpointText)} is not an absolute http or https URL");
            }
        }

        var options = new S3StorageOptions
        {
            AccessKey = string.IsNullOrEmpty(accessKey) ? null : accessKey,
            SecretKey = string.IsNullOrEmpty(secretKey) ? null : secretKey,
            Region = region ?? string.Empty,
            RegionEndpoint = endpoint,
            Bucket = bucket ?? string.Empty,
            Encrypt = section.Bool("encrypt", false),
            KeyId = section.String("keyid") is { Length: > 0 } keyId ? keyId : null,
            Secure = section.Bool("secure", true),
            V4Auth = section.Bool("v4auth", true),
            ChunkSize = section.Long("chunksize", DefaultChunkSize, minimum: MinimumChunkSize),
            RootDirectory = section.String("rootdirectory", string.Empty),
            ForcePathStyle = section.Bool("forcepathstyle", endpoint is not null),
        };
        section.ReportUnknownKeys();
        return options;
    }
}
