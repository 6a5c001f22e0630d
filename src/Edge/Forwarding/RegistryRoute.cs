using EdgeRegistry.Distribution.Names;
using DigestValue = EdgeRegistry.Distribution.Digests.Digest;

namespace EdgeRegistry.Edge.Forwarding;

/// <summary>What a <c>/v2</c> path addresses: a blob, a manifest, or something the edge only forwards.</summary>
internal readonly record struct RegistryRoute(RegistryRouteKind Kind, string Repository, string Reference)
{
    /// <summary>The reference as a digest, when it is one.</summary>
    public DigestValue? Digest => DigestValue.TryParse(Reference, out var digest) ? digest : null;

    /// <summary>Recognizes <c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c> and <c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c> with valid names and references.</summary>
    public static RegistryRoute Parse(PathString path)
    {
        var value = path.Value;
        if (value is null || !value.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return default;
        }

        var rest = value[4..];
        if (TrySplit(rest, "/blobs/", out var repository, out var reference) && RepositoryName.IsValid(repository) &&
            DigestValue.TryParse(reference, out _))
        {
            return new RegistryRoute(RegistryRouteKind.Blob, repository, reference);
        }

        if (TrySplit(rest, "/manifests/", out repository, out reference) && RepositoryName.IsValid(repository) &&
            (DigestValue.TryParse(reference, out _) || Tag.IsValid(reference)))
        {
            return new RegistryRoute(RegistryRouteKind.Manifest, repository, reference);
        }

        return default;
    }

    private static bool TrySplit(string rest, string marker, out string repository, out string reference)
    {
        var at = rest.LastIndexOf(marker, StringComparison.Ordinal);
        repository = at <= 0 ? "" : rest[..at];
        reference = at <= 0 ? "" : rest[(at + marker.Length)..];
        return at > 0;
    }
}
