namespace EdgeRegistry.Distribution.Digests;

/// <summary>What a hashing copy produced: the digest of every byte copied and how many there were.</summary>
public readonly record struct HashedCopyResult(Digest Digest, long Length);
