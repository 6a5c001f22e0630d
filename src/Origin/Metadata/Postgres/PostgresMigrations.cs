using System.Globalization;
using Npgsql;

namespace EdgeRegistry.Origin.Metadata.Postgres;

/// <summary>
/// The PostgreSQL schema, as a numbered list of migration scripts that mirrors <see cref="Sqlite.SqliteMigrations"/>
/// version for version and table for table: script <c>n</c> (1-based) brings the schema to version <c>n</c>, and each
/// applied version is a row of <c>schema_version</c>. A script once released is never edited; a change of schema is a
/// new script appended to <see cref="Scripts"/> (and to the SQLite list under the same number).
/// </summary>
/// <remarks>
/// The SQLite conventions, in this dialect: times are BIGINT unix milliseconds UTC; digests, names, tags, roles and ids
/// are TEXT COLLATE "C", so comparisons and ORDER BY are byte-wise (the ordinal order the listings promise, whatever the
/// database's locale) and the keyed range queries of the catalog and tag listings run on the key's btree; surrogate
/// keys are identity columns; payloads are BYTEA; flags are SMALLINT 0 or 1.
/// </remarks>
internal static class PostgresMigrations
{
    // pg_advisory_xact_lock key of the migrations: "EdgeRegi" in ASCII. Every replica takes it before it reads the
    // schema version, so replicas starting at once apply each script exactly once.
    private const long MigrationLockKey = 0x4564676552656769;

    /// <summary>The migration scripts; index 0 is version 1.</summary>
    public static IReadOnlyList<string> Scripts { get; } =
    [
        // Version 1: repositories, blob links, manifests and their references, tags and their history, uploads.
        """
        CREATE TABLE repositories (
            id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name    TEXT COLLATE "C" NOT NULL UNIQUE,
            created BIGINT NOT NULL
        );

        CREATE TABLE blobs (
            repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            digest        TEXT COLLATE "C" NOT NULL,
            size          BIGINT NOT NULL,
            created       BIGINT NOT NULL,
            PRIMARY KEY (repository_id, digest)
        );
        CREATE INDEX blobs_digest ON blobs (digest);

        CREATE TABLE manifests (
            repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            digest        TEXT COLLATE "C" NOT NULL,
            media_type    TEXT   NOT NULL,
            payload       BYTEA  NOT NULL,
            size          BIGINT NOT NULL,
            subject       TEXT COLLATE "C",
            artifact_type TEXT,
            annotations   TEXT,
            created       BIGINT NOT NULL,
            PRIMARY KEY (repository_id, digest)
        );
        CREATE INDEX manifests_subject ON manifests (repository_id, subject);

        CREATE TABLE manifest_blobs (
            repository_id   BIGINT NOT NULL,
            manifest_digest TEXT COLLATE "C" NOT NULL,
            blob_digest     TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (repository_id, manifest_digest, blob_digest),
            FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
        );
        CREATE INDEX manifest_blobs_blob ON manifest_blobs (blob_digest);

        CREATE TABLE manifest_children (
            repository_id   BIGINT NOT NULL,
            manifest_digest TEXT COLLATE "C" NOT NULL,
            child_digest    TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (repository_id, manifest_digest, child_digest),
            FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
        );
        CREATE INDEX manifest_children_child ON manifest_children (repository_id, child_digest);

        CREATE TABLE tags (
            repository_id BIGINT NOT NULL,
            name          TEXT COLLATE "C" NOT NULL,
            digest        TEXT COLLATE "C" NOT NULL,
            updated       BIGINT NOT NULL,
            PRIMARY KEY (repository_id, name),
            FOREIGN KEY (repository_id, digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
        );
        CREATE INDEX tags_digest ON tags (repository_id, digest);

        -- History outlives the manifest and the tag (image stream status keeps it), so no key to them.
        CREATE TABLE tag_history (
            id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            tag           TEXT COLLATE "C" NOT NULL,
            digest        TEXT COLLATE "C" NOT NULL,
            created       BIGINT NOT NULL
        );
        CREATE INDEX tag_history_tag ON tag_history (repository_id, tag, id);

        -- Keyed by name, not by repository id: an upload to a new repository must not make it exist.
        CREATE TABLE uploads (
            repository TEXT COLLATE "C" NOT NULL,
            id         TEXT COLLATE "C" NOT NULL,
            started    BIGINT NOT NULL,
            PRIMARY KEY (repository, id)
        );
        CREATE INDEX uploads_started ON uploads (started);
        """,

        // Version 2: the OpenShift access model: projects, users, access tokens, role bindings.
        """
        CREATE TABLE projects (
            id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name    TEXT COLLATE "C" NOT NULL UNIQUE,
            public  SMALLINT NOT NULL DEFAULT 0,
            created BIGINT NOT NULL
        );

        -- Users of the admin command line. Users of the htpasswd file have no row here.
        CREATE TABLE users (
            name          TEXT COLLATE "C" PRIMARY KEY,
            password_hash TEXT,
            created       BIGINT NOT NULL
        );

        -- Only the SHA-256 of a token's secret is kept. Tokens of htpasswd users have no users row to refer to.
        CREATE TABLE access_tokens (
            id          TEXT COLLATE "C" PRIMARY KEY,
            user_name   TEXT COLLATE "C" NOT NULL,
            secret_hash BYTEA  NOT NULL,
            description TEXT,
            created     BIGINT NOT NULL,
            expires     BIGINT,
            revoked     BIGINT
        );
        CREATE INDEX access_tokens_user ON access_tokens (user_name);

        CREATE TABLE project_role_bindings (
            project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
            user_name  TEXT COLLATE "C" NOT NULL,
            role       TEXT COLLATE "C" NOT NULL,
            created    BIGINT NOT NULL,
            PRIMARY KEY (project_id, user_name, role)
        );
        CREATE INDEX project_role_bindings_user ON project_role_bindings (user_name);

        CREATE TABLE cluster_role_bindings (
            user_name TEXT COLLATE "C" NOT NULL,
            role      TEXT COLLATE "C" NOT NULL,
            created   BIGINT NOT NULL,
            PRIMARY KEY (user_name, role)
        );
        """,

        // Version 3: images imported from remote registries, served by pull-through.
        """
        -- The image's pull spec at a remote registry (registry/repository@digest) for an imported image, null for
        -- an image pushed here: the image stream status entries pull-through takes its candidates from.
        ALTER TABLE tag_history ADD COLUMN docker_image_reference TEXT;
        CREATE INDEX tag_history_remote ON tag_history (repository_id, tag, id) WHERE docker_image_reference IS NOT NULL;

        -- Blobs a repository may serve whose bytes are at a remote registry (referenced by imported manifests),
        -- until pull-through has mirrored them into storage and linked them in blobs. Size -1: not stated (schema1).
        CREATE TABLE remote_blobs (
            repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            digest        TEXT COLLATE "C" NOT NULL,
            size          BIGINT NOT NULL,
            created       BIGINT NOT NULL,
            PRIMARY KEY (repository_id, digest)
        );
        """,
    ];

    /// <summary>The version a fully migrated database has.</summary>
    public static int LatestVersion => Scripts.Count;

    /// <summary>
    /// Applies every script newer than the database's version, all in one transaction together with their
    /// <c>schema_version</c> rows (PostgreSQL's DDL is transactional: a failed script leaves the schema as it was).
    /// Safe to run from several replicas at once: the transaction first takes an advisory lock, so the others wait and
    /// then find the schema current. Throws <see cref="InvalidOperationException"/> when the database is newer than
    /// this build knows.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var current = await CurrentVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The metadata database '{connection.Database}' has schema version {current}; this build knows up to {LatestVersion}."));
        }

        for (var version = current + 1; version <= LatestVersion; version++)
        {
            await using (var script = new NpgsqlCommand(Scripts[version - 1], connection, transaction))
            {
                await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, applied) VALUES (@version, @applied)", connection, transaction);
            record.Parameters.AddWithValue("version", version);
            record.Parameters.AddWithValue("applied", now.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The highest applied version, 0 for a new database.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
