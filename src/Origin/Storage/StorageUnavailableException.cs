namespace EdgeRegistry.Origin.Storage;

/// <summary>The backend cannot be reached or keeps failing; callers answer 503, never a partial result.</summary>
public sealed class StorageUnavailableException(string operation, string path, Exception inner)
    : StorageException($"storage {operation} of {path} failed: {inner.Message}", inner)
{
    public string Operation { get; } = operation;
}
