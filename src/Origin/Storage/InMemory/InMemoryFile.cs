namespace EdgeRegistry.Origin.Storage.InMemory;

/// <summary>
/// A file of <see cref="InMemoryStorageDriver"/>. <see cref="Content"/> is replaced, never changed in place,
/// so a reader holding the old array keeps reading it whole.
/// </summary>
internal sealed class InMemoryFile(byte[] content, DateTimeOffset modified) : InMemoryNode(modified)
{
    public byte[] Content { get; set; } = content;
}
