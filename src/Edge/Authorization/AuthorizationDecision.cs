using System.Net;

namespace EdgeRegistry.Edge.Authorization;

/// <summary>
/// The origin's answer to "may this client read this content in this repository": allowed, or the
/// refusal to pass back unchanged (status and the headers that matter, such as the challenge).
/// </summary>
internal sealed record AuthorizationDecision(bool Allowed, HttpStatusCode Status, IReadOnlyList<KeyValuePair<string, string[]>> Headers)
{
    /// <summary>The content's size from the origin's 200 answer to the HEAD (its Content-Length); null when not known.</summary>
    public long? Length { get; init; }

    public static readonly AuthorizationDecision Allow = new(true, HttpStatusCode.OK, []);

    /// <summary>The origin could not be asked and no answer inside its TTL is known.</summary>
    public static readonly AuthorizationDecision Unavailable = new(false, HttpStatusCode.ServiceUnavailable, []);

    /// <summary>Whether the answer may be reused for the TTL (an allow, 401 or 403; a 404 may change with the next push).</summary>
    public bool Cacheable => Allowed || Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
}
