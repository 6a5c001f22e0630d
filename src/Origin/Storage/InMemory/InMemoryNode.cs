namespace EdgeRegistry.Origin.Storage.InMemory;

/// <summary>A file or directory of <see cref="InMemoryStorageDriver"/>; touched only under the driver's lock.</summary>
internal abstract class InMemoryNode(DateTimeOffset modified)
{
    public DateTimeOffset Modified { get; set; } = modified;
}
