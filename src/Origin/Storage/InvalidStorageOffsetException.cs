namespace EdgeRegistry.Origin.Storage;

/// <summary>A read offset that is negative or past the end of the file.</summary>
public sealed class InvalidStorageOffsetException(string path, long offset)
    : StorageException($"invalid offset {offset} for {path}")
{
    public string Path { get; } = path;

    public long Offset { get; } = offset;
}
