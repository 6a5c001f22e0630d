using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>The access model's tables (schema version 2): projects, users, access tokens, role bindings.</summary>
internal sealed partial class SqliteMetadataStore : IAccessStore
{
    // Projects

    public Task<bool> CreateProjectAsync(string name, bool isPublic, CancellationToken cancellationToken) =>
        Write(
            (name, isPublic, now: Now()),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.InsertProject, "@name", "@public", "@created");
                command.Parameters[0].Value = state.name;
                command.Parameters[1].Value = state.isPublic ? 1 : 0;
                command.Parameters[2].Value = state.now;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<ProjectRecord?> GetProjectAsync(string name, CancellationToken cancellationToken) =>
        Read(
            name,
            static (session, name) =>
            {
                var command = session.Command(AccessSql.GetProject, "@name");
                command.Parameters[0].Value = name;
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadProject(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<ProjectRecord>> ListProjectsAsync(CancellationToken cancellationToken) =>
        Read(
            0,
            static (session, _) =>
            {
                using var reader = session.Command(AccessSql.ListProjects).ExecuteReader();
                var projects = new List<ProjectRecord>();
                while (reader.Read())
                {
                    projects.Add(ReadProject(reader));
                }

                return (IReadOnlyList<ProjectRecord>)projects;
            },
            cancellationToken);

    public Task<bool> SetProjectPublicAsync(string name, bool isPublic, CancellationToken cancellationToken) =>
        Write(
            (name, isPublic),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.SetProjectPublic, "@name", "@public");
                command.Parameters[0].Value = state.name;
                command.Parameters[1].Value = state.isPublic ? 1 : 0;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<ProjectAccess?> GetProjectAccessAsync(string project, string? user, CancellationToken cancellationToken) =>
        Read(
            (project, user),
            static (session, state) =>
            {
                var select = session.Command(AccessSql.GetProjectAccess, "@name");
                select.Parameters[0].Value = state.project;
                long id;
                bool isPublic;
                using (var reader = select.ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        return null;
                    }

                    id = reader.GetInt64(0);
                    isPublic = reader.GetInt64(1) != 0;
                }

                if (state.user is null)
                {
                    return new ProjectAccess(state.project, isPublic, []);
                }

                var roles = session.Command(AccessSql.GetProjectRolesOfUser, "@project_id", "@user");
                roles.Parameters[0].Value = id;
                roles.Parameters[1].Value = state.user;
                return new ProjectAccess(state.project, isPublic, ReadAllStrings(roles));
            },
            cancellationToken);

    // Users

    public Task<bool> CreateUserAsync(string name, string? passwordHash, CancellationToken cancellationToken) =>
        Write(
            (name, passwordHash, now: Now()),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.InsertUser, "@name", "@password_hash", "@created");
                command.Parameters[0].Value = state.name;
                command.Parameters[1].Value = (object?)state.passwordHash ?? DBNull.Value;
                command.Parameters[2].Value = state.now;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) =>
        Read(
            name,
            static (session, name) =>
            {
                var command = session.Command(AccessSql.GetUser, "@name");
                command.Parameters[0].Value = name;
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadUser(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        Read(
            0,
            static (session, _) =>
            {
                using var reader = session.Command(AccessSql.ListUsers).ExecuteReader();
                var users = new List<UserRecord>();
                while (reader.Read())
                {
                    users.Add(ReadUser(reader));
                }

                return (IReadOnlyList<UserRecord>)users;
            },
            cancellationToken);

    public Task<bool> SetPasswordHashAsync(string name, string? passwordHash, CancellationToken cancellationToken) =>
        Write(
            (name, passwordHash),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.SetPasswordHash, "@name", "@password_hash");
                command.Parameters[0].Value = state.name;
                command.Parameters[1].Value = (object?)state.passwordHash ?? DBNull.Value;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<bool> DeleteUserAsync(string name, CancellationToken cancellationToken) =>
        Write(
            name,
            static (session, name) =>
            {
                var deleted = 0;
                foreach (var sql in new[] { AccessSql.DeleteTokensOfUser, AccessSql.DeleteProjectBindingsOfUser, AccessSql.DeleteClusterBindingsOfUser, AccessSql.DeleteUser })
                {
                    var command = session.Command(sql, "@user");
                    command.Parameters[0].Value = name;
                    deleted += command.ExecuteNonQuery();
                }

                return deleted > 0;
            },
            cancellationToken);

    // Access tokens

    public Task<AccessTokenRecord> CreateAccessTokenAsync(AccessTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Write(
            (token, now: Now()),
            static (session, state) =>
            {
                var (token, now) = state;
                var command = session.Command(
                    AccessSql.InsertToken, "@id", "@user", "@secret_hash", "@description", "@created", "@expires");
                command.Parameters[0].Value = token.Id;
                command.Parameters[1].Value = token.User;
                command.Parameters[2].Value = token.SecretHash;
                command.Parameters[3].Value = (object?)token.Description ?? DBNull.Value;
                command.Parameters[4].Value = now;
                command.Parameters[5].Value = token.Expires is { } expires ? expires.ToUnixTimeMilliseconds() : DBNull.Value;
                if (command.ExecuteNonQuery() == 0)
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
        Read(
            id,
            static (session, id) =>
            {
                var command = session.Command(AccessSql.GetToken, "@id");
                command.Parameters[0].Value = id;
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadToken(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<AccessTokenRecord>> ListAccessTokensAsync(string user, CancellationToken cancellationToken) =>
        Read(
            user,
            static (session, user) =>
            {
                var command = session.Command(AccessSql.ListTokensOfUser, "@user");
                command.Parameters[0].Value = user;
                using var reader = command.ExecuteReader();
                var tokens = new List<AccessTokenRecord>();
                while (reader.Read())
                {
                    tokens.Add(ReadToken(reader));
                }

                return (IReadOnlyList<AccessTokenRecord>)tokens;
            },
            cancellationToken);

    public Task<bool> RevokeAccessTokenAsync(string id, CancellationToken cancellationToken) =>
        Write(
            (id, now: Now()),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.RevokeToken, "@id", "@revoked");
                command.Parameters[0].Value = state.id;
                command.Parameters[1].Value = state.now;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<int> RevokeAccessTokensOfUserAsync(string user, CancellationToken cancellationToken) =>
        Write(
            (user, now: Now()),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.RevokeTokensOfUser, "@user", "@revoked");
                command.Parameters[0].Value = state.user;
                command.Parameters[1].Value = state.now;
                return command.ExecuteNonQuery();
            },
            cancellationToken);

    // Role bindings

    public Task<bool> AddProjectRoleAsync(string project, string user, string role, CancellationToken cancellationToken) =>
        Write(
            (project, user, role, now: Now()),
            static (session, state) =>
            {
                var select = session.Command(AccessSql.GetProjectAccess, "@name");
                select.Parameters[0].Value = state.project;
                long id;
                using (var reader = select.ExecuteReader())
                {
                    id = reader.Read() ? reader.GetInt64(0) : throw new KeyNotFoundException($"Project '{state.project}' does not exist.");
                }

                var insert = session.Command(AccessSql.InsertProjectBinding, "@project_id", "@user", "@role", "@created");
                insert.Parameters[0].Value = id;
                insert.Parameters[1].Value = state.user;
                insert.Parameters[2].Value = state.role;
                insert.Parameters[3].Value = state.now;
                return insert.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<bool> RemoveProjectRoleAsync(string project, string user, string role, CancellationToken cancellationToken) =>
        Write(
            (project, user, role),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.DeleteProjectBinding, "@project", "@user", "@role");
                command.Parameters[0].Value = state.project;
                command.Parameters[1].Value = state.user;
                command.Parameters[2].Value = state.role;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<RoleBinding>> ListProjectRoleBindingsAsync(string project, CancellationToken cancellationToken) =>
        Read(
            project,
            static (session, project) =>
            {
                var command = session.Command(AccessSql.ListProjectBindings, "@project");
                command.Parameters[0].Value = project;
                return ReadBindings(command);
            },
            cancellationToken);

    public Task<IReadOnlyList<RoleBinding>> ListProjectRoleBindingsOfUserAsync(string user, CancellationToken cancellationToken) =>
        Read(
            user,
            static (session, user) =>
            {
                var command = session.Command(AccessSql.ListProjectBindingsOfUser, "@user");
                command.Parameters[0].Value = user;
                return ReadBindings(command);
            },
            cancellationToken);

    public Task<bool> AddClusterRoleAsync(string user, string role, CancellationToken cancellationToken) =>
        Write(
            (user, role, now: Now()),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.InsertClusterBinding, "@user", "@role", "@created");
                command.Parameters[0].Value = state.user;
                command.Parameters[1].Value = state.role;
                command.Parameters[2].Value = state.now;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<bool> RemoveClusterRoleAsync(string user, string role, CancellationToken cancellationToken) =>
        Write(
            (user, role),
            static (session, state) =>
            {
                var command = session.Command(AccessSql.DeleteClusterBinding, "@user", "@role");
                command.Parameters[0].Value = state.user;
                command.Parameters[1].Value = state.role;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> GetClusterRolesAsync(string user, CancellationToken cancellationToken) =>
        Read(
            user,
            static (session, user) =>
            {
                var command = session.Command(AccessSql.GetClusterRolesOfUser, "@user");
                command.Parameters[0].Value = user;
                return ReadAllStrings(command);
            },
            cancellationToken);

    public Task<IReadOnlyList<RoleBinding>> ListClusterRoleBindingsAsync(CancellationToken cancellationToken) =>
        Read(0, static (session, _) => ReadBindings(session.Command(AccessSql.ListClusterBindings)), cancellationToken);

    private static ProjectRecord ReadProject(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1) != 0, FromUnixMilliseconds(reader.GetInt64(2)));

    private static UserRecord ReadUser(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), FromUnixMilliseconds(reader.GetInt64(2)));

    private static AccessTokenRecord ReadToken(SqliteDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetFieldValue<byte[]>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            FromUnixMilliseconds(reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : FromUnixMilliseconds(reader.GetInt64(5)),
            reader.IsDBNull(6) ? null : FromUnixMilliseconds(reader.GetInt64(6)));

    private static IReadOnlyList<RoleBinding> ReadBindings(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var bindings = new List<RoleBinding>();
        while (reader.Read())
        {
            bindings.Add(new RoleBinding(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                FromUnixMilliseconds(reader.GetInt64(3))));
        }

        return bindings;
    }

    private static IReadOnlyList<string> ReadAllStrings(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>The access model's statements, in the same portable SQL as <see cref="Sql"/>.</summary>
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

        public const string GetProjectAccess = "SELECT id, public FROM projects WHERE name = @name";

        public const string GetProjectRolesOfUser =
            "SELECT role FROM project_role_bindings WHERE project_id = @project_id AND user_name = @user ORDER BY role";

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

        public const string InsertProjectBinding =
            """
            INSERT INTO project_role_bindings (project_id, user_name, role, created) VALUES (@project_id, @user, @role, @created)
            ON CONFLICT (project_id, user_name, role) DO NOTHING
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
            "SELECT NULL, user_name, role, created FROM cluster_role_bindings ORDER BY user_name, role";
    }
}
