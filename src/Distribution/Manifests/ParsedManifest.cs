namespace EdgeRegistry.Distribution.Manifests;

/// <summary>
/// What a manifest refers to, as read by <see cref="ManifestParser"/>. An image manifest has a
/// <see cref="Config"/> and <see cref="Layers"/>; an index or manifest list has <see cref="Manifests"/>;
/// a Docker schema1 manifest has <see cref="Layers"/> only (its <c>fsLayers</c>).
/// </summary>
public sealed record ParsedManifest
{
    /// <summary>The effective media type: the Content-Type it was pushed with, or the one detected from the payload.</summary>
    public required string MediaType { get; init; }

    /// <summary>1 for Docker schema1, 2 for everything else.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>The config blob of an image manifest; null for an index, a manifest list or schema1.</summary>
    public Descriptor? Config { get; init; }

    /// <summary>The layers in manifest order, duplicates kept (schema1 often repeats its empty layer).</summary>
    public IReadOnlyList<Descriptor> Layers { get; init; } = [];

    /// <summary>
    /// Every blob the manifest needs: the config first, then the layers, each digest once (first
    /// occurrence kept). Empty for an index or manifest list.
    /// </summary>
    public IReadOnlyList<Descriptor> Blobs { get; init; } = [];

    /// <summary>The child manifests of an index or manifest list in listed order; empty otherwise.</summary>
    public IReadOnlyList<Descriptor> Manifests { get; init; } = [];

    /// <summary>The <c>subject</c> of an OCI manifest or index (the manifest this one refers to); null when absent.</summary>
    public Descriptor? Subject { get; init; }

    /// <summary>
    /// The artifact type as the referrers API reports it (OCI Distribution Spec v1.1, "Listing Referrers"):
    /// the manifest's <c>artifactType</c> when present and not empty; else, for an OCI image manifest, its
    /// config's media type; else null (an index without one, Docker types, schema1).
    /// </summary>
    public string? ArtifactType { get; init; }

    /// <summary>The manifest's <c>annotations</c> object exactly as it appears in the payload, or null when absent.</summary>
    public string? Annotations { get; init; }

    public bool IsIndex => MediaTypes.IsIndex(MediaType);
}
