using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>What a HEAD of a manifest tells: its digest, media type and size in bytes.</summary>
public sealed record RemoteManifestInfo(Digest Digest, string MediaType, long Size);
