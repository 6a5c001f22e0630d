namespace EdgeRegistry.Origin.Storage;

/// <summary>The path does not exist.</summary>
public sealed class StoragePathNotFoundException(string path)
    : StorageException($"path not found: {path}")
{
    public string Path { get; } = path;
}
