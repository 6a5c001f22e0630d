using System.Runtime.InteropServices;
using EdgeRegistry.Distribution.Digests;
using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>
/// The embedded metadata store: one SQLite file (WAL journal, synchronous=FULL, so a commit that returned
/// survives a crash of the process or of the machine; upload-session rows only the process's). Reads run
/// on pooled sessions with prepared statements and never wait for writers; writes are serialized
/// in-process by an async gate and run each in one BEGIN IMMEDIATE transaction, so concurrent writers
/// queue without blocking threads in SQLite's busy handler. Times are stamped from the injected <see cref="TimeProvider"/> and stored as INTEGER unix
/// milliseconds UTC, so they read back truncated to the millisecond with offset zero.
/// </summary>
/// <remarks>
/// SQLite runs in-process and Microsoft.Data.Sqlite's async methods are synchronous, so reads do their
/// work on the caller's thread and return completed tasks: an await would only add allocations.
/// </remarks>
internal sealed partial class SqliteMetadataStore : IMetadataDatabase
{
    private readonly string _databasePath;
    private readonly TimeProvider _timeProvider;
    private readonly string _connectionString;
    private readonly SqliteSessionPool _readers;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteSession? _writer;
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <param name="databasePath">The database file; it and its directory are created by <see cref="InitializeAsync"/> when missing.</param>
    /// <param name="timeProvider">The clock for every time the store records.</param>
    public SqliteMetadataStore(string databasePath, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _databasePath = Path.GetFullPath(databasePath);
        _timeProvider = timeProvider;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // The store pools its own sessions (they keep prepared statements); closing must really close.
            Pooling = false,
        }.ToString();
        _readers = new SqliteSessionPool(_connectionString, maxIdle: Math.Max(8, Environment.ProcessorCount * 4));
    }

    /// <summary>
    /// Creates the directory and the file when missing, switches the file to WAL journaling and applies
    /// pending migrations (<see cref="SqliteMigrations"/>). Idempotent. Throws <see cref="InvalidOperationException"/>
    /// when the file system does not support WAL or the file has a newer schema than this build.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
            using (var session = SqliteSession.Open(_connectionString))
            {
                // journal_mode is a property of the file (it persists), so once here is enough.
                using (var journal = session.Connection.CreateCommand())
                {
                    journal.CommandText = "PRAGMA journal_mode = WAL";
                    var mode = journal.ExecuteScalar() as string;
                    if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new InvalidOperationException(
                            $"The metadata database '{_databasePath}' cannot use WAL journaling (journal mode is '{mode}').");
                    }
                }

                SqliteMigrations.Apply(session.Connection, _timeProvider.GetUtcNow());
            }

            _initialized = true;
            return Task.CompletedTask;
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    /// <summary>True when the database answers <c>SELECT 1</c>; false (never an exception) otherwise, also before initialization.</summary>
    public Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        if (!_initialized || _disposed)
        {
            return Task.FromResult(false);
        }

        return Read(
            0,
            static (session, _) =>
            {
                try
                {
                    return Convert.ToInt64(session.Command(Sql.Ping).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
                }
                catch (SqliteException)
                {
                    return false;
                }
            },
            cancellationToken);
    }

    // Repositories

    public Task<bool> RepositoryExistsAsync(string repository, CancellationToken cancellationToken) =>
        Read(
            repository,
            static (session, repository) =>
            {
                var command = session.Command(Sql.RepositoryExists, "@repository");
                command.Parameters[0].Value = repository;
                return command.ExecuteScalar() is not null;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Read(
            (last, limit),
            static (session, state) =>
            {
                var command = session.Command(Sql.ListRepositories, "@last", "@limit");
                // Every name sorts after the empty string, so the first page is the same range query.
                command.Parameters[0].Value = state.last ?? string.Empty;
                command.Parameters[1].Value = state.limit;
                return ReadStrings(command, state.limit);
            },
            cancellationToken);
    }

    // Blob-repository links

    public Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return Write(
            (repository, digest: digest.ToString(), size, now: Now()),
            static (session, state) =>
            {
                var repositoryId = EnsureRepository(session, state.repository, state.now);
                var command = session.Command(Sql.LinkBlob, "@repository_id", "@digest", "@size", "@created");
                command.Parameters[0].Value = repositoryId;
                command.Parameters[1].Value = state.digest;
                command.Parameters[2].Value = state.size;
                command.Parameters[3].Value = state.now;
                command.ExecuteNonQuery();
                return true;
            },
            cancellationToken);
    }

    public Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Read(
            (repository, digest: digest.ToString()),
            static (session, state) =>
            {
                var command = session.Command(Sql.GetLinkedBlobSize, "@repository", "@digest");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.digest;
                return command.ExecuteScalar() is long size ? size : (long?)null;
            },
            cancellationToken);

    public Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Write(
            (repository, digest: digest.ToString()),
            static (session, state) =>
            {
                var command = session.Command(Sql.UnlinkBlob, "@repository", "@digest");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.digest;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<bool> IsBlobReferencedAsync(Digest digest, CancellationToken cancellationToken) =>
        Read(
            digest.ToString(),
            static (session, digest) =>
            {
                var command = session.Command(Sql.IsBlobReferenced, "@digest");
                command.Parameters[0].Value = digest;
                return command.ExecuteScalar() is long found && found != 0;
            },
            cancellationToken);

    /// <summary>Closes every connection (the last close checkpoints the WAL into the file). Calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _readers.Dispose();
        _writeGate.Wait();
        try
        {
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private long Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private void ThrowIfNotReady()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            throw new InvalidOperationException("The metadata store is used before InitializeAsync.");
        }
    }

    private Task<TResult> Read<TState, TResult>(TState state, Func<SqliteSession, TState, TResult> query, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        SqliteSession? session = null;
        try
        {
            ThrowIfNotReady();
            session = _readers.Rent();
            var result = query(session, state);
            _readers.Return(session);
            return Task.FromResult(result);
        }
        catch (Exception exception)
        {
            if (session is not null)
            {
                _readers.Return(session, broken: exception is SqliteException);
            }

            return Task.FromException<TResult>(exception);
        }
    }

    private Task<TResult> Write<TState, TResult>(TState state, Func<SqliteSession, TState, TResult> work, CancellationToken cancellationToken) =>
        Write(state, work, durable: true, cancellationToken);

    // Not durable: for rows a crash may lose without harm (upload sessions), so that writing them does not
    // wait for the disk; see SqliteSession.InTransaction.
    private async Task<TResult> Write<TState, TResult>(TState state, Func<SqliteSession, TState, TResult> work, bool durable, CancellationToken cancellationToken)
    {
        ThrowIfNotReady();
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfNotReady();
            // Once the gate is held the transaction runs to its end: a half-done write is never left behind.
            _writer ??= SqliteSession.Open(_connectionString);
            try
            {
                return _writer.InTransaction(state, work, durable);
            }
            catch (SqliteException)
            {
                // The connection may be unusable (I/O error, lost lock); start the next write on a fresh one.
                _writer.Dispose();
                _writer = null;
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static long EnsureRepository(SqliteSession session, string repository, long now)
    {
        var select = session.Command(Sql.GetRepositoryId, "@name");
        select.Parameters[0].Value = repository;
        if (select.ExecuteScalar() is long id)
        {
            return id;
        }

        var insert = session.Command(Sql.InsertRepository, "@name", "@created");
        insert.Parameters[0].Value = repository;
        insert.Parameters[1].Value = now;
        return (long)insert.ExecuteScalar()!;
    }

    private static IReadOnlyList<string> ReadStrings(SqliteCommand command, int limit)
    {
        if (limit == 0)
        {
            return [];
        }

        using var reader = command.ExecuteReader();
        var names = new List<string>(Math.Min(limit, 1024));
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static DateTimeOffset FromUnixMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    /// <summary>
    /// Every statement the store runs. Parameters are <c>@name</c> and the SQL sticks to what SQLite and
    /// PostgreSQL both accept (ON CONFLICT, RETURNING, LIMIT), so the PostgreSQL provider can reuse it.
    /// </summary>
    private static class Sql
    {
        public const string ManifestColumns =
            "m.digest, m.media_type, m.payload, m.subject, m.artifact_type, m.annotations, m.created";

        public const string Ping = "SELECT 1";

        public const string GetRepositoryId = "SELECT id FROM repositories WHERE name = @name";

        public const string InsertRepository = "INSERT INTO repositories (name, created) VALUES (@name, @created) RETURNING id";

        public const string RepositoryExists = "SELECT 1 FROM repositories WHERE name = @repository";

        public const string ListRepositories = "SELECT name FROM repositories WHERE name > @last ORDER BY name LIMIT @limit";

        public const string LinkBlob =
            """
            INSERT INTO blobs (repository_id, digest, size, created) VALUES (@repository_id, @digest, @size, @created)
            ON CONFLICT (repository_id, digest) DO NOTHING
            """;

        public const string GetLinkedBlobSize =
            """
            SELECT b.size FROM blobs b JOIN repositories r ON r.id = b.repository_id
            WHERE r.name = @repository AND b.digest = @digest
            """;

        public const string UnlinkBlob =
            """
            DELETE FROM blobs
            WHERE repository_id = (SELECT id FROM repositories WHERE name = @repository) AND digest = @digest
            """;

        public const string IsBlobReferenced =
            """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM blobs WHERE digest = @digest)
                          OR EXISTS (SELECT 1 FROM manifest_blobs WHERE blob_digest = @digest)
                   THEN 1 ELSE 0 END
            """;

        public const string InsertManifest =
            """
            INSERT INTO manifests (repository_id, digest, media_type, payload, size, subject, artifact_type, annotations, created)
            VALUES (@repository_id, @digest, @media_type, @payload, @size, @subject, @artifact_type, @annotations, @created)
            ON CONFLICT (repository_id, digest) DO NOTHING
            """;

        public const string InsertManifestBlob =
            """
            INSERT INTO manifest_blobs (repository_id, manifest_digest, blob_digest) VALUES (@repository_id, @manifest_digest, @digest)
            ON CONFLICT DO NOTHING
            """;

        public const string InsertManifestChild =
            """
            INSERT INTO manifest_children (repository_id, manifest_digest, child_digest) VALUES (@repository_id, @manifest_digest, @digest)
            ON CONFLICT DO NOTHING
            """;

        // Changes one row when the tag is new or moves, none when it already points at the digest: the
        // caller appends history exactly then.
        public const string UpsertTag =
            """
            INSERT INTO tags (repository_id, name, digest, updated) VALUES (@repository_id, @name, @digest, @updated)
            ON CONFLICT (repository_id, name) DO UPDATE SET digest = excluded.digest, updated = excluded.updated
            WHERE tags.digest <> excluded.digest
            """;

        public const string InsertTagHistory =
            """
            INSERT INTO tag_history (repository_id, tag, digest, created, docker_image_reference)
            VALUES (@repository_id, @tag, @digest, @created, @reference)
            """;

        public const string NewestTagReference =
            "SELECT docker_image_reference FROM tag_history WHERE repository_id = @repository_id AND tag = @tag ORDER BY id DESC LIMIT 1";

        public const string GetManifest =
            $"""
            SELECT {ManifestColumns} FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = @repository AND m.digest = @digest
            """;

        public const string GetManifestByTag =
            $"""
            SELECT {ManifestColumns} FROM repositories r
            JOIN tags t ON t.repository_id = r.id
            JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.digest
            WHERE r.name = @repository AND t.name = @tag
            """;

        public const string DeleteManifest =
            """
            DELETE FROM manifests
            WHERE repository_id = (SELECT id FROM repositories WHERE name = @repository) AND digest = @digest
            """;

        public const string DeleteTag =
            """
            DELETE FROM tags
            WHERE repository_id = (SELECT id FROM repositories WHERE name = @repository) AND name = @tag
            """;

        public const string ListTags =
            """
            SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id
            WHERE r.name = @repository AND t.name > @last ORDER BY t.name LIMIT @limit
            """;

        // id, not created, orders the history: it is the order of the commits even when the clock is coarse or steps back.
        public const string GetTagHistory =
            """
            SELECT h.digest, h.created, h.docker_image_reference FROM tag_history h JOIN repositories r ON r.id = h.repository_id
            WHERE r.name = @repository AND h.tag = @tag ORDER BY h.id DESC
            """;

        public const string ListReferrers =
            $"""
            SELECT {ManifestColumns} FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = @repository AND m.subject = @subject ORDER BY m.digest
            """;

        public const string ListReferrersOfType =
            $"""
            SELECT {ManifestColumns} FROM manifests m JOIN repositories r ON r.id = m.repository_id
            WHERE r.name = @repository AND m.subject = @subject AND m.artifact_type = @artifact_type ORDER BY m.digest
            """;

        public const string InsertUpload =
            """
            INSERT INTO uploads (repository, id, started) VALUES (@repository, @id, @started)
            ON CONFLICT (repository, id) DO NOTHING
            """;

        public const string GetUpload = "SELECT started FROM uploads WHERE repository = @repository AND id = @id";

        public const string DeleteUpload = "DELETE FROM uploads WHERE repository = @repository AND id = @id";

        public const string ListUploadsStartedBefore =
            "SELECT repository, id, started FROM uploads WHERE started < @cutoff ORDER BY started, repository, id";
    }
}
