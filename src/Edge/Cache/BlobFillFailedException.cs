namespace EdgeRegistry.Edge.Cache;

/// <summary>The fill a client was served from failed (wrong digest, origin broke off); the client's response must be aborted.</summary>
internal sealed class BlobFillFailedException(string message) : Exception(message);
