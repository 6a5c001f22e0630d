using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// An image imported into an image stream: the tag it was imported as, its digest and media type (an index when
/// several platforms were imported), its pull spec at the remote registry (<c>docker.io/library/busybox@sha256:...</c>),
/// and how many manifests and blobs it has (children of an index included).
/// </summary>
internal sealed record ImportedImage(string Tag, Digest Digest, string MediaType, string DockerImageReference, int Manifests, int Blobs);
