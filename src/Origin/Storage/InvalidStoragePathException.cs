namespace EdgeRegistry.Origin.Storage;

/// <summary>The path is malformed (relative; empty, <c>.</c> or <c>..</c> components; a backslash or NUL; <c>/</c> for a file).</summary>
public sealed class InvalidStoragePathException(string path)
    : StorageException($"invalid path: {path}")
{
    public string Path { get; } = path;
}
