namespace EdgeRegistry.Origin.Configuration;

/// <summary>The storage driver named in the <c>storage</c> section.</summary>
internal enum StorageDriverKind
{
    Filesystem,
    InMemory,
    S3,
}
