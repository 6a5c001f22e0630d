using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Tests.PullThrough;

/// <summary>An image the fake registry serves: its manifest (or index) and every blob of it and its children.</summary>
internal sealed record FakeImage(Digest Digest, byte[] Manifest, string MediaType, IReadOnlyDictionary<Digest, byte[]> Blobs, IReadOnlyList<FakeImage> Children);
