namespace EdgeRegistry.Edge.Forwarding;

internal enum RegistryRouteKind
{
    Other,
    Blob,
    Manifest,
}
