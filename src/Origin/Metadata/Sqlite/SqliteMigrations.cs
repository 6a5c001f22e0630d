using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>
/// The schema, as a numbered list of migration scripts applied in order: script <c>n</c> (1-based) brings
/// the schema to version <c>n</c>, and each applied version is a row of <c>schema_version</c>. A script once
/// released is never edited; a change of schema is a new script appended to <see cref="Scripts"/>.
/// </summary>
/// <remarks>
/// Conventions every script keeps, so that the PostgreSQL provider's list can mirror this one table for
/// table: times are INTEGER unix milliseconds UTC (BIGINT there); digests, names and tags are TEXT compared
/// byte-wise, which is the ordinal order the listings promise (COLLATE "C" there); surrogate keys are
/// INTEGER PRIMARY KEY (an identity column there); payloads are BLOB (BYTEA there); flags are INTEGER 0 or 1
/// (SMALLINT there, so the same statements bind them). WITHOUT ROWID is SQLite's
/// only dialect here: the small key-only tables are stored clustered on their key, which PostgreSQL has no need of.
/// </remarks>
internal static class SqliteMigrations
{
    /// <summary>The migration scripts; index 0 is version 1.</summary>
    public static IReadOnlyList<string> Scripts { get; } =
    [
        // Version 1: repositories, blob links, manifests and their references, tags and their history, uploads.
        """
        CREATE TABLE repositories (
            id      INTEGER PRIMARY KEY,
            name    TEXT    NOT NULL UNIQUE,
            created INTEGER NOT NULL
        );

        CREATE TABLE blobs (
            repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            digest        TEXT    NOT NULL,
            size          INTEGER NOT NULL,
            created       INTEGER NOT NULL,
            PRIMARY KEY (repository_id, digest)
        ) WITHOUT ROWID;
        CREATE INDEX blobs_digest ON blobs (digest);

        CREATE TABLE manifests (
            repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            digest        TEXT    NOT NULL,
            media_type    TEXT    NOT NULL,
            payload       BLOB    NOT NULL,
            size          INTEGER NOT NULL,
            subject       TEXT,
            artifact_type TEXT,
            annotations   TEXT,
            created       INTEGER NOT NULL,
            PRIMARY KEY (repository_id, digest)
        );
        CREATE INDEX manifests_subject ON manifests (repository_id, subject);

        CREATE TABLE manifest_blobs (
            repository_id   INTEGER NOT NULL,
            manifest_digest TEXT    NOT NULL,
            blob_digest     TEXT    NOT NULL,
            PRIMARY KEY (repository_id, manifest_digest, blob_digest),
            FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX manifest_blobs_blob ON manifest_blobs (blob_digest);

        CREATE TABLE manifest_children (
            repository_id   INTEGER NOT NULL,
            manifest_digest TEXT    NOT NULL,
            child_digest    TEXT    NOT NULL,
            PRIMARY KEY (repository_id, manifest_digest, child_digest),
            FOREIGN KEY (repository_id, manifest_digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX manifest_children_child ON manifest_children (repository_id, child_digest);

        CREATE TABLE tags (
            repository_id INTEGER NOT NULL,
            name          TEXT    NOT NULL,
            digest        TEXT    NOT NULL,
            updated       INTEGER NOT NULL,
            PRIMARY KEY (repository_id, name),
            FOREIGN KEY (repository_id, digest) REFERENCES manifests (repository_id, digest) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX tags_digest ON tags (repository_id, digest);

        -- History outlives the manifest and the tag (image stream status keeps it), so no key to them.
        CREATE TABLE tag_history (
            id            INTEGER PRIMARY KEY,
            repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            tag           TEXT    NOT NULL,
            digest        TEXT    NOT NULL,
            created       INTEGER NOT NULL
        );
        CREATE INDEX tag_history_tag ON tag_history (repository_id, tag, id);

        -- Keyed by name, not by repository id: an upload to a new repository must not make it exist.
        CREATE TABLE uploads (
            repository TEXT    NOT NULL,
            id         TEXT    NOT NULL,
            started    INTEGER NOT NULL,
            PRIMARY KEY (repository, id)
        ) WITHOUT ROWID;
        CREATE INDEX uploads_started ON uploads (started);
        """,

        // Version 2: the OpenShift access model: projects, users, access tokens, role bindings.
        """
        CREATE TABLE projects (
            id      INTEGER PRIMARY KEY,
            name    TEXT    NOT NULL UNIQUE,
            public  INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL
        );

        -- Users of the admin command line. Users of the htpasswd file have no row here.
        CREATE TABLE users (
            name          TEXT    PRIMARY KEY,
            password_hash TEXT,
            created       INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Only the SHA-256 of a token's secret is kept. Tokens of htpasswd users have no users row to refer to.
        CREATE TABLE access_tokens (
            id          TEXT    PRIMARY KEY,
            user_name   TEXT    NOT NULL,
            secret_hash BLOB    NOT NULL,
            description TEXT,
            created     INTEGER NOT NULL,
            expires     INTEGER,
            revoked     INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX access_tokens_user ON access_tokens (user_name);

        CREATE TABLE project_role_bindings (
            project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
            user_name  TEXT    NOT NULL,
            role       TEXT    NOT NULL,
            created    INTEGER NOT NULL,
            PRIMARY KEY (project_id, user_name, role)
        ) WITHOUT ROWID;
        CREATE INDEX project_role_bindings_user ON project_role_bindings (user_name);

        CREATE TABLE cluster_role_bindings (
            user_name TEXT    NOT NULL,
            role      TEXT    NOT NULL,
            created   INTEGER NOT NULL,
            PRIMARY KEY (user_name, role)
        ) WITHOUT ROWID;
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
            repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
            digest        TEXT    NOT NULL,
            size          INTEGER NOT NULL,
            created       INTEGER NOT NULL,
            PRIMARY KEY (repository_id, digest)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>The version a fully migrated database has.</summary>
    public static int LatestVersion => Scripts.Count;

    /// <summary>
    /// Applies every script newer than the database's version, each in its own transaction together with its
    /// <c>schema_version</c> row. Safe to run from several processes at once: BEGIN IMMEDIATE serializes them
    /// and each re-reads the version under the lock. Throws <see cref="InvalidOperationException"/> when the
    /// database is newer than this build knows.
    /// </summary>
    public static void Apply(SqliteConnection connection, DateTimeOffset now)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText =
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        for (var version = CurrentVersion(connection, null) + 1; version <= LatestVersion; version++)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var current = CurrentVersion(connection, transaction);
            if (current >= version)
            {
                // Another process applied it meanwhile.
                version = current;
                continue;
            }

            using (var script = connection.CreateCommand())
            {
                script.Transaction = transaction;
                script.CommandText = Scripts[version - 1];
                script.ExecuteNonQuery();
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version, applied) VALUES (@version, @applied)";
                record.Parameters.AddWithValue("@version", version);
                record.Parameters.AddWithValue("@applied", now.ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        var final = CurrentVersion(connection, null);
        if (final > LatestVersion)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The metadata database '{connection.DataSource}' has schema version {final}; this build knows up to {LatestVersion}."));
        }
    }

    /// <summary>The highest applied version, 0 for a new database.</summary>
    public static int CurrentVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
