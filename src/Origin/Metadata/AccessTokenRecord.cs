namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// A stored access token: its public <see cref="Id"/>, the user it stands for and the SHA-256 of its secret
/// (the secret itself is never stored). <see cref="Expires"/> null means it does not expire;
/// <see cref="Revoked"/> is when it was revoked, or null.
/// </summary>
internal sealed record AccessTokenRecord(
    string Id,
    string User,
    byte[] SecretHash,
    string? Description,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    DateTimeOffset? Revoked);
