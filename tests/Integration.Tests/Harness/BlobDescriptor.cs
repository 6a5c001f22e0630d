namespace EdgeRegistry.Integration.Tests.Harness;

/// <summary>A content descriptor as manifests carry it: media type, <c>sha256:</c> digest and size in bytes.</summary>
public sealed record BlobDescriptor(string MediaType, string Digest, long Size);
