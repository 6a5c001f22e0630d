namespace EdgeRegistry.Origin.Metadata;

/// <summary>
/// The access model's part of the metadata: projects, users, access tokens and role bindings. Implemented by
/// the same provider as <see cref="IMetadataStore"/> (same database, same initialization) and with the same
/// contract: safe to call concurrently, times stamped by the store and read back in UTC to the millisecond,
/// <see cref="InvalidOperationException"/> before <see cref="IMetadataStore.InitializeAsync"/>. Names passed in
/// are already validated. Role names are stored as given; which roles exist is the caller's business.
/// </summary>
internal interface IAccessStore
{
    // Projects

    /// <summary>Creates the project; false when it already exists (its flag is then left as it was).</summary>
    Task<bool> CreateProjectAsync(string name, bool isPublic, CancellationToken cancellationToken);

    /// <summary>The project, or null.</summary>
    Task<ProjectRecord?> GetProjectAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every project in ordinal order of name.</summary>
    Task<IReadOnlyList<ProjectRecord>> ListProjectsAsync(CancellationToken cancellationToken);

    /// <summary>Makes the project public or private; false when it does not exist.</summary>
    Task<bool> SetProjectPublicAsync(string name, bool isPublic, CancellationToken cancellationToken);

    /// <summary>
    /// The project's public flag and the roles <paramref name="user"/> has in it (none for a null user), read
    /// together; null when the project does not exist. Called on every authorized request: two indexed reads.
    /// </summary>
    Task<ProjectAccess?> GetProjectAccessAsync(string project, string? user, CancellationToken cancellationToken);

    // Users

    /// <summary>Creates a user with a bcrypt hash (or null: tokens only); false when the name is taken.</summary>
    Task<bool> CreateUserAsync(string name, string? passwordHash, CancellationToken cancellationToken);

    /// <summary>The user, or null.</summary>
    Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every user in ordinal order of name.</summary>
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the user's password hash (null removes the password); false when the user does not exist.</summary>
    Task<bool> SetPasswordHashAsync(string name, string? passwordHash, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the user's row, tokens and role bindings in one transaction. Also clears tokens and bindings of
    /// a name with no row (an htpasswd user). True when anything was deleted.
    /// </summary>
    Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken);

    // Access tokens

    /// <summary>
    /// Stores a token; <see cref="AccessTokenRecord.Created"/> and <see cref="AccessTokenRecord.Revoked"/> of the
    /// argument are ignored (the store stamps the first, the second starts null). Returns the stored record.
    /// <see cref="InvalidOperationException"/> when the id exists.
    /// </summary>
    Task<AccessTokenRecord> CreateAccessTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken);

    /// <summary>The token with this id (revoked and expired ones included), or null.</summary>
    Task<AccessTokenRecord?> GetAccessTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>The user's tokens, newest first, revoked and expired ones included.</summary>
    Task<IReadOnlyList<AccessTokenRecord>> ListAccessTokensAsync(string user, CancellationToken cancellationToken);

    /// <summary>Marks the token revoked now; false when it does not exist or was already revoked.</summary>
    Task<bool> RevokeAccessTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Revokes every unrevoked token of the user; returns how many.</summary>
    Task<int> RevokeAccessTokensOfUserAsync(string user, CancellationToken cancellationToken);

    // Role bindings

    /// <summary>
    /// Gives <paramref name="user"/> the role in the project; false when already given.
    /// <see cref="KeyNotFoundException"/> when the project does not exist.
    /// </summary>
    Task<bool> AddProjectRoleAsync(string project, string user, string role, CancellationToken cancellationToken);

    /// <summary>Takes the role in the project away; false when it was not given (or the project does not exist).</summary>
    Task<bool> RemoveProjectRoleAsync(string project, string user, string role, CancellationToken cancellationToken);

    /// <summary>The project's bindings, ordered by user then role; empty for an unknown project.</summary>
    Task<IReadOnlyList<RoleBinding>> ListProjectRoleBindingsAsync(string project, CancellationToken cancellationToken);

    /// <summary>Every project binding of the user, ordered by project then role.</summary>
    Task<IReadOnlyList<RoleBinding>> ListProjectRoleBindingsOfUserAsync(string user, CancellationToken cancellationToken);

    /// <summary>Gives the user a cluster-wide role; false when already given.</summary>
    Task<bool> AddClusterRoleAsync(string user, string role, CancellationToken cancellationToken);

    /// <summary>Takes a cluster-wide role away; false when it was not given.</summary>
    Task<bool> RemoveClusterRoleAsync(string user, string role, CancellationToken cancellationToken);

    /// <summary>The user's cluster-wide roles in ordinal order.</summary>
    Task<IReadOnlyList<string>> GetClusterRolesAsync(string user, CancellationToken cancellationToken);

    /// <summary>Every cluster-wide binding, ordered by user then role.</summary>
    Task<IReadOnlyList<RoleBinding>> ListClusterRoleBindingsAsync(CancellationToken cancellationToken);
}
