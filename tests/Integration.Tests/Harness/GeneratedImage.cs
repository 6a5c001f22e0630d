namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>
/// An image <see cref="OciLayoutBuilder"/> wrote to disk, with everything a test needs to check a copy of it.
/// </summary>
/// <param name="Reference">The skopeo source reference: <c>oci:&lt;layout&gt;:&lt;tag&gt;</c> or <c>dir:&lt;path&gt;</c>.</param>
/// <param name="Tag">The tag it carries in the layout (and is meant to be pushed as).</param>
/// <param name="MediaType">The media type of <see cref="Manifest"/>.</param>
/// <param name="ManifestDigest">The <c>sha256:</c> digest of <see cref="Manifest"/>; a registry must serve exactly this.</param>
/// <param name="Manifest">The manifest or index bytes exactly as written.</param>
/// <param name="Config">The config blob (null for an index).</param>
/// <param name="Layers">The layer blobs (empty for an index).</param>
/// <param name="Children">The per-platform images of an index (empty for a single image).</param>
/// <param name="Platform">The platform of a single image.</param>
public sealed record GeneratedImage(
    string Reference,
    string Tag,
    string MediaType,
    string ManifestDigest,
    byte[] Manifest,
    BlobDescriptor? Config,
    IReadOnlyList<BlobDescriptor> Layers,
    IReadOnlyList<GeneratedImage> Children,
    ImagePlatform? Platform)
{
    /// <summary>Every blob (configs and layers) of this image and its children, without duplicates.</summary>
    public IReadOnlyList<BlobDescriptor> AllBlobs =>
        (Config is null ? Layers : Layers.Prepend(Config))
            .Concat(Children.SelectMany(child => child.AllBlobs))
            .DistinctBy(blob => blob.Digest)
            .ToList();
}
