namespace EdgeRegistry.Origin.Access;

/// <summary>
/// The verified content of a registry token issued by the token endpoint: who (<see cref="Subject"/>, empty for
/// an anonymous token), what (<see cref="Access"/>), until when, and the access token it was obtained with
/// (<see cref="AccessTokenId"/>, so that revoking that one ends this one too), or null when obtained with a password.
/// </summary>
internal sealed record RegistryTokenClaims(
    string Subject,
    IReadOnlyList<TokenAccess> Access,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires,
    string? AccessTokenId)
{
    public bool Grants(string type, string name, string action) => Access.Any(entry => entry.Grants(type, name, action));
}
