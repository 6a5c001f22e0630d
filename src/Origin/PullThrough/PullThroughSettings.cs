namespace EdgeRegistry.Origin.PullThrough;

/// <summary>
/// How pull-through behaves: on or off (<c>middleware.repository.openshift.options.pullthrough</c>), whether fetched
/// blobs are kept (<c>mirrorpullthrough</c>), how long repository associations are cached
/// (<c>blobrepositorycachettl</c>; zero: not cached), how long one blob may take (<c>upstream.blobtimeout</c>) and the
/// longest silence of a remote while it streams (<c>upstream.attempttimeout</c>).
/// </summary>
internal sealed record PullThroughSettings
{
    public bool Enabled { get; init; } = true;

    public bool Mirror { get; init; } = true;

    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan BlobTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where blobs being fetched are spooled when storage is not a local file system (or mirroring is off).</summary>
    public string SpoolDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "edgeregistry-pullthrough");
}
