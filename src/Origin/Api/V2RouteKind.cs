namespace EdgeRegistry.Origin.Api;

/// <summary>Which endpoint of the distribution API a <c>/v2</c> path addresses.</summary>
internal enum V2RouteKind
{
    Base,
    Catalog,
    Blob,
    UploadStart,
    Upload,
    Manifest,
    TagList,
    Referrers,
}
