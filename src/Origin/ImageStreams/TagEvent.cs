namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>One item of a tag's history in an image stream's status: which image, where, since when.</summary>
internal sealed record TagEvent(DateTimeOffset Created, string DockerImageReference, string Image);
