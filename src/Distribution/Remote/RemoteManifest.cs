using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// A manifest fetched from a remote registry: its exact bytes (at most
/// <see cref="RemoteRegistryOptions.MaxManifestBytes"/>), its media type (the upstream's Content-Type, or the
/// type detected from the payload when the upstream sent none or a generic one) and its digest.
/// </summary>
public sealed record RemoteManifest(ReadOnlyMemory<byte> Payload, string MediaType, Digest Digest);
