namespace EdgeRegistry.Origin.Configuration;

/// <summary>The values of <c>storage.cache.blobdescriptor</c>.</summary>
internal enum BlobDescriptorCacheKind
{
    InMemory,
    Redis,
}
