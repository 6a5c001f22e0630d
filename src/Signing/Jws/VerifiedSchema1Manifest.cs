namespace EdgeRegistry.Signing.Jws;

/// <summary>A schema1 signed manifest whose every signature verified.</summary>
/// <param name="Payload">
/// The manifest without its <c>signatures</c>, byte for byte as it was signed: the bytes whose
/// SHA-256 is the manifest's digest (as CNCF distribution computes it for schema1).
/// </param>
/// <param name="KeyIds">The libtrust key ID of each signature's key, in the order of the signatures.</param>
public sealed record VerifiedSchema1Manifest(ReadOnlyMemory<byte> Payload, IReadOnlyList<string> KeyIds);
