namespace EdgeRegistry.Origin.Metadata;

/// <summary>What access decisions need to know about one project for one caller: is it public, and which roles the caller has in it.</summary>
internal sealed record ProjectAccess(string Project, bool Public, IReadOnlyList<string> Roles);
