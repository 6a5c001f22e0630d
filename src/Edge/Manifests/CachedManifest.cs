using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Edge.Manifests;

/// <summary>A manifest read from the cache: its digest, media type and bytes (bounded by <c>manifests.maxSize</c>).</summary>
internal sealed record CachedManifest(Digest Digest, string MediaType, byte[] Payload);
