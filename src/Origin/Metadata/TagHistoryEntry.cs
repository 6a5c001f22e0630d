using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// One item of a tag's history: which image the tag pointed at, from when, and, for an image imported from a
/// remote registry, its pull spec there (<c>docker.io/library/busybox@sha256:...</c>); null for an image of this registry.
/// </summary>
public sealed record TagHistoryEntry(string Tag, Digest Digest, DateTimeOffset Created, string? DockerImageReference = null);
