using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// A stored manifest: its exact bytes as pushed, the media type it was pushed with, and what it refers
/// to. <see cref="Blobs"/> are config and layer digests; <see cref="Children"/> the manifests an index
/// lists (both are filled on put; reads may return them empty). <see cref="Annotations"/> is the
/// manifest's annotations object as JSON (for referrers), or null. <see cref="Created"/> is when the store
/// first stored it; the value passed to a put is ignored.
/// </summary>
public sealed record ManifestRecord(
    Digest Digest,
    string MediaType,
    ReadOnlyMemory<byte> Payload,
    Digest? Subject,
    string? ArtifactType,
    string? Annotations,
    IReadOnlyList<Digest> Blobs,
    IReadOnlyList<Digest> Children,
    DateTimeOffset Created)
{
    public long Size => Payload.Length;
}
