namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// An image stream: the repository <c>&lt;project&gt;/&lt;name&gt;</c>, created by the first push into it, with
/// its tags (ordinal order) and their history.
/// </summary>
internal sealed record ImageStream(string Project, string Name, string DockerImageRepository, IReadOnlyList<ImageStreamTagStatus> Tags)
{
    public string Repository => $"{Project}/{Name}";

    /// <summary>When a tag last moved; null for a stream without tags.</summary>
    public DateTimeOffset? Updated => Tags.SelectMany(tag => tag.Items.Take(1)).Select(item => (DateTimeOffset?)item.Created).Max();
}
