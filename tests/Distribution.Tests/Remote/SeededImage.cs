using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>An image pushed to a test registry: an OCI manifest, its config and one layer, with their digests.</summary>
internal sealed record SeededImage(
    string Repository,
    string Tag,
    byte[] Manifest,
    Digest ManifestDigest,
    byte[] Config,
    Digest ConfigDigest,
    byte[] Layer,
    Digest LayerDigest);
