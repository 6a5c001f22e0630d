using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata;

/// <summary>A blob a repository may serve from a remote registry: its digest and size in bytes (<see cref="UnknownSize"/> when not stated).</summary>
public sealed record RemoteBlobRecord(Digest Digest, long Size)
{
    /// <summary>The size of a blob whose manifest does not state it (a Docker schema1 <c>blobSum</c>).</summary>
    public const long UnknownSize = -1;
}
