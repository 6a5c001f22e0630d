using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>One item of a tag's history: which image the tag pointed at, from when.</summary>
public sealed record TagHistoryEntry(string Tag, Digest Digest, DateTimeOffset Created);
