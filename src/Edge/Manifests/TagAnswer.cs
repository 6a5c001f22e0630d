using System.Text.Json.Serialization;

namespace EdgeRegistry.Edge.Manifests;

/// <summary>The origin's last successful answer for a tag: which manifest it named, and when.</summary>
internal sealed record TagAnswer(
    [property: JsonPropertyName("repository")] string Repository,
    [property: JsonPropertyName("tag")] string Tag,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("answeredAt")] DateTimeOffset AnsweredAt);
