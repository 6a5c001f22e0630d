namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// One metadata database: the registry's records (<see cref="IMetadataStore"/>) and the access model
/// (<see cref="IAccessStore"/>) side by side, as both providers keep them. Decorators (the blob descriptor
/// cache) wrap <see cref="IMetadataStore"/> only; the access model is always read from the database itself.
/// </summary>
internal interface IMetadataDatabase : IMetadataStore, IAccessStore, IDisposable
{
}
