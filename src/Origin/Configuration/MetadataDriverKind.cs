namespace EdgeRegistry.Origin.Configuration;

/// <summary>The values of <c>metadata.driver</c>.</summary>
internal enum MetadataDriverKind
{
    Sqlite,
    Postgres,
}
