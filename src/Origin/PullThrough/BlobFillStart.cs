namespace EdgeRegistry.Origin.PullThrough;

/// <summary>How a fill began: the blob's size in bytes and the candidate that is sending it.</summary>
internal sealed record BlobFillStart(long Length, RemoteCandidate Source);
