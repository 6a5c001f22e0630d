namespace EdgeRegistry.Origin.Storage;

/// <summary>The path is malformed (relative, empty components, <c>..</c>).</summary>
public sealed class InvalidStoragePathException(string path)
    : StorageException($"invalid path: {path}")
{
    public string Path { get; } = path;
}
