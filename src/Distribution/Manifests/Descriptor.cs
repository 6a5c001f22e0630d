using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Distribution.Manifests;

/// <summary>
/// A content descriptor (OCI image spec, "Content Descriptors"): what a manifest says about a blob or a
/// child manifest. <see cref="Size"/> is in bytes; it is <see cref="UnknownSize"/> only for the blobs of a
/// Docker schema1 manifest, whose <c>fsLayers</c> carry no size.
/// </summary>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    /// <summary>The size of a schema1 <c>blobSum</c>, which the manifest does not state.</summary>
    public const long UnknownSize = -1;

    public string? ArtifactType { get; init; }

    /// <summary>The descriptor's annotations; null when the field is absent.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The platform of a child manifest of an index; null when absent.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Alternative locations of the content (foreign layers); null when absent.</summary>
    public IReadOnlyList<string>? Urls { get; init; }
}
