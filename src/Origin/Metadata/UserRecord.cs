namespace EdgeRegistry.Origin.Metadata;

/// <summary>A user created by the admin command line. <see cref="PasswordHash"/> is a bcrypt hash, or null for a user who logs in with tokens only.</summary>
internal sealed record UserRecord(string Name, string? PasswordHash, DateTimeOffset Created);
