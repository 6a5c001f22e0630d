namespace EdgeRegistry.Origin.Metadata;

/// <summary>A role given to a user: in <see cref="Project"/>, or cluster-wide when it is null.</summary>
internal sealed record RoleBinding(string? Project, string User, string Role, DateTimeOffset Created);
