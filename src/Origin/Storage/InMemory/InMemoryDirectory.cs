namespace EdgeRegistry.Origin.Storage.InMemory;

/// <summary>A directory of <see cref="InMemoryStorageDriver"/>: its children by name, in ordinal order.</summary>
internal sealed class InMemoryDirectory(DateTimeOffset modified) : InMemoryNode(modified)
{
    public SortedDictionary<string, InMemoryNode> Children { get; } = new(StringComparer.Ordinal);
}
