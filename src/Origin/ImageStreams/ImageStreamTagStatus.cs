namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>A tag of an image stream with its history, newest first: <c>Items[0]</c> is the image the tag points at now.</summary>
internal sealed record ImageStreamTagStatus(string Tag, IReadOnlyList<TagEvent> Items);
