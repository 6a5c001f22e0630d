namespace EdgeRegistry.Distribution.Manifests;

/// <summary>
/// The platform of a manifest listed in an index or manifest list (OCI image spec, "Image Index",
/// <c>platform</c>): <c>os</c> and <c>architecture</c> are required there, the rest optional.
/// </summary>
public sealed record Platform(string Os, string Architecture)
{
    /// <summary>The CPU variant, e.g. <c>v7</c> for <c>arm</c>; null when not given.</summary>
    public string? Variant { get; init; }

    /// <summary>The <c>os.version</c> field (Windows builds); null when not given.</summary>
    public string? OsVersion { get; init; }
}
