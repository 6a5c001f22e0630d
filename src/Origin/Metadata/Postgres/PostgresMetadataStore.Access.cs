using Npgsql;

namespace EdgeRegistry.Origin.Metadata.Postgres;

/// <summary>The access model's tables (schema version 2): projects, users, access tokens, role bindings.</summary>
internal sealed partial class PostgresMetadataStore : IAccessStore
{
    // Projects

    public Task<bool> CreateProjectAsync(string name, bool isPublic, CancellationToken cancellationToken) =>
        Run(
            (name, isPublic, now: Now()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, AccessSql.InsertProject, Text("name", state.name), Flag("public", state.isPublic), BigInt("created", state.now));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<ProjectRecord?> GetProjectAsync(string name, CancellationToken cancellationToken) =>
        Run(
            name,
            static async (connection, name, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.GetProject, Text("name", name));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadProject(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<ProjectRecord>> ListProjectsAsync(CancellationToken cancellationToken) =>
        Run(
            0,
            static async (connection, _, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.ListProjects);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var projects = new List<ProjectRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    projects.Add(ReadProject(reader));
                }

                return (IReadOnlyList<ProjectRecord>)projects;
            },
            cancellationToken);

    public Task<bool> SetProjectPublicAsync(string name, bool isPublic, CancellationToken cancellationToken) =>
        Run(
            (name, isPublic),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.SetProjectPublic, Text("name", state.name), Flag("public", state.isPublic));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    /// <summary>The flag and the roles in one statement (one round trip on every authorized request).</summary>
    public Task<ProjectAccess?> GetProjectAccessAsync(string project, string? user, CancellationToken cancellationToken) =>
        Run(
            (project, user),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.GetProjectAccess, Text("name", state.project), Text("user", state.user));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return null;
                }

                var isPublic = reader.GetInt16(0) != 0;
                var roles = new List<string>();
                do
                {
                    if (!reader.IsDBNull(1))
                    {
                        roles.Add(reader.GetString(1));
                    }
                }
                while (await reader.ReadAsync(ct).ConfigureAwait(false));

                return new ProjectAccess(state.project, isPublic, roles);
            },
            cancellationToken);

    // Users

    public Task<bool> CreateUserAsync(string name, string? passwordHash, CancellationToken cancellationToken) =>
        Run(
            (name, passwordHash, now: Now()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, AccessSql.InsertUser, Text("name", state.name), Text("password_hash", state.passwordHash), BigInt("created", state.now));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) =>
        Run(
            name,
            static async (connection, name, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.GetUser, Text("name", name));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadUser(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        Run(
            0,
            static async (connection, _, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.ListUsers);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var users = new List<UserRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    users.Add(ReadUser(reader));
                }

                return (IReadOnlyList<UserRecord>)users;
            },
            cancellationToken);

    public Task<bool> SetPasswordHashAsync(string name, string? passwordHash, CancellationToken cancellationToken) =>
        Run(
            (name, passwordHash),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, AccessSql.SetPasswordHash, Text("name", state.name), Text("password_hash", state.passwordHash));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken) =>
        InTransaction(
            name,
            static async (connection, transaction, name, ct) =>
            {
                var deleted = 0;
                foreach (var sql in new[] { AccessSql.DeleteTokensOfUser, AccessSql.DeleteProjectBindingsOfUser, AccessSql.DeleteClusterBindingsOfUser, AccessSql.DeleteUser })
                {
                    await using var command = Command(connection, transaction, sql, Text("user", name));
                    deleted += await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return deleted > 0;
            },
            cancellationToken);

    // Access tokens

    public Task<AccessTokenRecord> CreateAccessTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Run(
            (token, now: Now()),
            static async (connection, state, ct) =>
            {
                var (token, now) = state;
                await using var command = Command(
                    connection,
                    null,
                    AccessSql.InsertToken,
                    Text("id", token.Id),
                    Text("user", token.User),
                    Bytes("secret_hash", token.SecretHash),
                    Text("description", token.Description),
                    BigInt("created", now),
                    BigInt("expires", token.Expires?.ToUnixTimeMilliseconds()));
                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    throw new InvalidOperationException($"Access token '{token.Id}' already exists.");
                }

                return token with
                {
                    Created = FromUnixMilliseconds(now),
                    Expires = token.Expires is { } stored ? FromUnixMilliseconds(stored.ToUnixTimeMilliseconds()) : null,
                    Revoked = null,
                };
            },
            cancellationToken);
    }

    public Task<AccessTokenRecord?> GetAccessTokenAsync(string id, CancellationToken cancellationToken) =>
        Run(
            id,
            static async (connection, id, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.GetToken, Text("id", id));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadToken(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<AccessTokenRecord>> ListAccessTokensAsync(string user, CancellationToken cancellationToken) =>
        Run(
            user,
            static async (connection, user, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.ListTokensOfUser, Text("user", user));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var tokens = new List<AccessTokenRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    tokens.Add(ReadToken(reader));
                }

                return (IReadOnlyList<AccessTokenRecord>)tokens;
            },
            cancellationToken);

    public Task<bool> RevokeAccessTokenAsync(string id, CancellationToken cancellationToken) =>
        Run(
            (id, now: Now()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.RevokeToken, Text("id", state.id), BigInt("revoked", state.now));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<int> RevokeAccessTokensOfUserAsync(string user, CancellationToken cancellationToken) =>
        Run(
            (user, now: Now()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.RevokeTokensOfUser, Text("user", state.user), BigInt("revoked", state.now));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            cancellationToken);

    // Role bindings

    /// <summary>One statement: the project's id is looked up by the insert itself, and no row inserted tells a missing project from an existing binding.</summary>
    public Task<bool> AddProjectRoleAsync(string project, string user, string role, CancellationToken cancellationToken) =>
        Run(
            (project, user, role, now: Now()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection,
                    null,
                    AccessSql.InsertProjectBinding,
                    Text("project", state.project),
                    Text("user", state.user),
                    Text("role", state.role),
                    BigInt("created", state.now));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    throw new KeyNotFoundException($"Project '{state.project}' does not exist.");
                }

                return reader.GetBoolean(0);
            },
            cancellationToken);

    public Task<bool> RemoveProjectRoleAsync(string project, string user, string role, CancellationToken cancellationToken) =>
        Run(
            (project, user, role),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, AccessSql.DeleteProjectBinding, Text("project", state.project), Text("user", state.user), Text("role", state.role));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<RoleBinding>> ListProjectRoleBindingsAsync(string project, CancellationToken cancellationToken) =>
        Run(
            project,
            static async (connection, project, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.ListProjectBindings, Text("project", project));
                return await ReadBindingsAsync(command, ct).ConfigureAwait(false);
            },
            cancellationToken);

    public Task<IReadOnlyList<RoleBinding>> ListProjectRoleBindingsOfUserAsync(string user, CancellationToken cancellationToken) =>
        Run(
            user,
            static async (connection, user, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.ListProjectBindingsOfUser, Text("user", user));
                return await ReadBindingsAsync(command, ct).ConfigureAwait(false);
            },
            cancellationToken);

    public Task<bool> AddClusterRoleAsync(string user, string role, CancellationToken cancellationToken) =>
        Run(
            (user, role, now: Now()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, AccessSql.InsertClusterBinding, Text("user", state.user), Text("role", state.role), BigInt("created", state.now));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<bool> RemoveClusterRoleAsync(string user, string role, CancellationToken cancellationToken) =>
        Run(
            (user, role),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.DeleteClusterBinding, Text("user", state.user), Text("role", state.role));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> GetClusterRolesAsync(string user, CancellationToken cancellationToken) =>
        Run(
            user,
            static async (connection, user, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.GetClusterRolesOfUser, Text("user", user));
                return await ReadAllStringsAsync(command, 4, ct).ConfigureAwait(false);
            },
            cancellationToken);

    public Task<IReadOnlyList<RoleBinding>> ListClusterRoleBindingsAsync(CancellationToken cancellationToken) =>
        Run(
            0,
            static async (connection, _, ct) =>
            {
                await using var command = Command(connection, null, AccessSql.ListClusterBindings);
                return await ReadBindingsAsync(command, ct).ConfigureAwait(false);
            },
            cancellationToken);

    private static ProjectRecord ReadProject(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetInt16(1) != 0, FromUnixMilliseconds(reader.GetInt64(2)));

    private static UserRecord ReadUser(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), FromUnixMilliseconds(reader.GetInt64(2)));

    private static AccessTokenRecord ReadToken(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetFieldValue<byte[]>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            FromUnixMilliseconds(reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : FromUnixMilliseconds(reader.GetInt64(5)),
            reader.IsDBNull(6) ? null : FromUnixMilliseconds(reader.GetInt64(6)));

    private static async Task<IReadOnlyList<RoleBinding>> ReadBindingsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var bindings = new List<RoleBinding>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            bindings.Add(new RoleBinding(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                FromUnixMilliseconds(reader.GetInt64(3))));
        }

        return bindings;
    }

    /// <summary>The access model's statements.</summary>
    private static class AccessSql
    {
        public const string InsertProject =
            """
            INSERT INTO projects (name, public, created) VALUES (@name, @public, @created)
            ON CONFLICT (name) DO NOTHING
            """;

        public const string GetProject = "SELECT name, public, created FROM projects WHERE name = @name";

        public const string ListProjects = "SELECT name, public, created FROM projects ORDER BY name";

        public const string SetProjectPublic = "UPDATE projects SET public = @public WHERE name = @name";

        // One row per role of the user (roles in order), or one row with a null role when the user has none (or is null).
        public const string GetProjectAccess =
            """
            SELECT p.public, b.role FROM projects p
            LEFT JOIN project_role_bindings b ON b.project_id = p.id AND b.user_name = @user
            WHERE p.name = @name ORDER BY b.role
            """;

        public const string InsertUser =
            """
            INSERT INTO users (name, password_hash, created) VALUES (@name, @password_hash, @created)
            ON CONFLICT (name) DO NOTHING
            """;

        public const string GetUser = "SELECT name, password_hash, created FROM users WHERE name = @name";

        public const string ListUsers = "SELECT name, password_hash, created FROM users ORDER BY name";

        public const string SetPasswordHash = "UPDATE users SET password_hash = @password_hash WHERE name = @name";

        public const string DeleteUser = "DELETE FROM users WHERE name = @user";

        public const string DeleteTokensOfUser = "DELETE FROM access_tokens WHERE user_name = @user";

        public const string DeleteProjectBindingsOfUser = "DELETE FROM project_role_bindings WHERE user_name = @user";

        public const string DeleteClusterBindingsOfUser = "DELETE FROM cluster_role_bindings WHERE user_name = @user";

        public const string TokenColumns = "id, user_name, secret_hash, description, created, expires, revoked";

        public const string InsertToken =
            """
            INSERT INTO access_tokens (id, user_name, secret_hash, description, created, expires)
            VALUES (@id, @user, @secret_hash, @description, @created, @expires)
            ON CONFLICT (id) DO NOTHING
            """;

        public const string GetToken = $"SELECT {TokenColumns} FROM access_tokens WHERE id = @id";

        // created, then id: tokens minted in the same millisecond still list in a stable order.
        public const string ListTokensOfUser =
            $"SELECT {TokenColumns} FROM access_tokens WHERE user_name = @user ORDER BY created DESC, id";

        public const string RevokeToken = "UPDATE access_tokens SET revoked = @revoked WHERE id = @id AND revoked IS NULL";

        public const string RevokeTokensOfUser =
            "UPDATE access_tokens SET revoked = @revoked WHERE user_name = @user AND revoked IS NULL";

        // No row: the project does not exist. One row: true when the binding was inserted, false when it was there.
        public const string InsertProjectBinding =
            """
            WITH project AS (SELECT id FROM projects WHERE name = @project),
                 inserted AS (
                     INSERT INTO project_role_bindings (project_id, user_name, role, created)
                     SELECT id, @user, @role, @created FROM project
                     ON CONFLICT (project_id, user_name, role) DO NOTHING RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM inserted) FROM project
            """;

        public const string DeleteProjectBinding =
            """
            DELETE FROM project_role_bindings
            WHERE project_id = (SELECT id FROM projects WHERE name = @project) AND user_name = @user AND role = @role
            """;

        public const string ListProjectBindings =
            """
            SELECT p.name, b.user_name, b.role, b.created FROM project_role_bindings b JOIN projects p ON p.id = b.project_id
            WHERE p.name = @project ORDER BY b.user_name, b.role
            """;

        public const string ListProjectBindingsOfUser =
            """
            SELECT p.name, b.user_name, b.role, b.created FROM project_role_bindings b JOIN projects p ON p.id = b.project_id
            WHERE b.user_name = @user ORDER BY p.name, b.role
            """;

        public const string InsertClusterBinding =
            """
            INSERT INTO cluster_role_bindings (user_name, role, created) VALUES (@user, @role, @created)
            ON CONFLICT (user_name, role) DO NOTHING
            """;

        public const string DeleteClusterBinding = "DELETE FROM cluster_role_bindings WHERE user_name = @user AND role = @role";

        public const string GetClusterRolesOfUser = "SELECT role FROM cluster_role_bindings WHERE user_name = @user ORDER BY role";

        public const string ListClusterBindings =
            "SELECT NULL::text, user_name, role, created FROM cluster_role_bindings ORDER BY user_name, role";
    }
}
