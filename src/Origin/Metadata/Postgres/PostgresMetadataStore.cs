using System.Runtime.InteropServices;
using EdgeRegistry.Distribution.Digests;
using Npgsql;
using NpgsqlTypes;

namespace EdgeRegistry.Origin.Metadata.Postgres;

/// <summary>
/// The shared metadata store: one PostgreSQL database that several origin replicas use at once. Behaves as
/// <see cref="Sqlite.SqliteMetadataStore"/> does call for call (same ordering, paging, errors and transactions);
/// only the engine differs. Connections come from a pooled <see cref="NpgsqlDataSource"/>; a call that reads or
/// writes one row runs one parameterised statement, a call that writes several rows runs them in one READ COMMITTED
/// transaction, retried from the start when PostgreSQL aborts it for a deadlock or a serialization failure. Times are
/// stamped from the injected <see cref="TimeProvider"/> and stored as BIGINT unix milliseconds UTC, so they read back
/// truncated to the millisecond with offset zero.
/// </summary>
internal sealed partial class PostgresMetadataStore : IMetadataDatabase, IAsyncDisposable
{
    // A transaction PostgreSQL aborted to break a deadlock or a serialization conflict is run again this many times in all.
    private const int MaxTransactionAttempts = 3;

    // More than the store's distinct statements, so none is evicted from a connection's prepared set.
    private const int AutoPreparedStatements = 64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private volatile bool _initialized;
    private volatile bool _disposed;

    /// <param name="connectionString">
    /// An Npgsql connection string (<c>Host=...;Database=...;Username=...</c>); pooling options in it apply. Unless it
    /// sets <c>Max Auto Prepare</c>, the store's statements are prepared on each connection after a few uses (set it to
    /// 0 behind a pooler that cannot keep prepared statements). <see cref="ArgumentException"/> when it does not parse.
    /// </param>
    /// <param name="timeProvider">The clock for every time the store records.</param>
    public PostgresMetadataStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Max Auto Prepare"))
        {
            // The store runs a few dozen distinct statements, the hot ones on every request: parsed and planned once
            // per connection, they cost a bind and an execute.
            builder.MaxAutoPrepare = AutoPreparedStatements;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>
    /// Applies pending migrations (<see cref="PostgresMigrations"/>) under an advisory lock, so replicas starting at
    /// once apply each exactly once. Idempotent. Throws <see cref="InvalidOperationException"/> when the database has
    /// a newer schema than this build, and the driver's exception when the server cannot be reached.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await PostgresMigrations.ApplyAsync(connection, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        _initialized = true;
    }

    /// <summary>True when the database answers <c>SELECT 1</c>; false (never an exception) otherwise, also before initialization.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        if (!_initialized || _disposed)
        {
            return false;
        }

        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(Sql.Ping, connection);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or ObjectDisposedException or InvalidOperationException
                                          || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    // Repositories

    public Task<bool> RepositoryExistsAsync(string repository, CancellationToken cancellationToken) =>
        Run(
            repository,
            static async (connection, repository, ct) =>
            {
                await using var command = Command(connection, null, Sql.RepositoryExists, Text("repository", repository));
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> ListRepositoriesAsync(string? last, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Run(
            (last, limit),
            static async (connection, state, ct) =>
            {
                // Every name sorts after the empty string, so the first page is the same range query.
                await using var command = Command(
                    connection, null, Sql.ListRepositories, Text("last", state.last ?? string.Empty), Integer("limit", state.limit));
                return await ReadStringsAsync(command, state.limit, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    // Blob-repository links

    public Task LinkBlobAsync(string repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return InTransaction(
            (repository, digest: digest.ToString(), size, now: Now()),
            static async (connection, transaction, state, ct) =>
            {
                var repositoryId = await EnsureRepositoryAsync(connection, transaction, state.repository, state.now, ct).ConfigureAwait(false);
                await using var command = Command(
                    connection,
                    transaction,
                    Sql.LinkBlob,
                    BigInt("repository_id", repositoryId),
                    Text("digest", state.digest),
                    BigInt("size", state.size),
                    BigInt("created", state.now));
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    public Task<long?> GetLinkedBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Run(
            (repository, digest: digest.ToString()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, Sql.GetLinkedBlobSize, Text("repository", state.repository), Text("digest", state.digest));
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long size ? size : (long?)null;
            },
            cancellationToken);

    public Task<bool> UnlinkBlobAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Run(
            (repository, digest: digest.ToString()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, Sql.UnlinkBlob, Text("repository", state.repository), Text("digest", state.digest));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<bool> IsBlobReferencedAsync(Digest digest, CancellationToken cancellationToken) =>
        Run(
            digest.ToString(),
            static async (connection, digest, ct) =>
            {
                await using var command = Command(connection, null, Sql.IsBlobReferenced, Text("digest", digest));
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
            },
            cancellationToken);

    /// <summary>Closes every pooled connection. Calls after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _dataSource.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        return _dataSource.DisposeAsync();
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

    /// <summary>Runs <paramref name="work"/> on a pooled connection without an explicit transaction: for calls of one statement.</summary>
    private async Task<TResult> Run<TState, TResult>(
        TState state, Func<NpgsqlConnection, TState, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfNotReady();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection, state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits; any exception rolls everything back. A transaction
    /// PostgreSQL aborted for a deadlock or a serialization failure is run again from the start (its statements are
    /// all idempotent given the state), up to <see cref="MaxTransactionAttempts"/> times.
    /// </summary>
    private async Task<TResult> InTransaction<TState, TResult>(
        TState state, Func<NpgsqlConnection, NpgsqlTransaction, TState, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfNotReady();
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await work(connection, transaction, state, cancellationToken).ConfigureAwait(false);

                // Not cancelable: a commit cut short leaves the caller unable to tell whether it happened.
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException exception) when (attempt < MaxTransactionAttempts
                                                      && exception.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Rolled back by the server; the disposal of the transaction ends it on this connection.
            }
        }
    }

    /// <summary>The repository's id, creating the row when it is new. A replica creating it at the same moment is no error.</summary>
    private static async Task<long> EnsureRepositoryAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string repository, long now, CancellationToken cancellationToken)
    {
        await using (var ensure = Command(connection, transaction, Sql.EnsureRepository, Text("name", repository), BigInt("created", now)))
        {
            if (await ensure.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id)
            {
                return id;
            }
        }

        // Another transaction inserted the name after this statement's snapshot was taken: it has committed by now
        // (ON CONFLICT waited for it), and a new statement sees it.
        await using var select = Command(connection, transaction, Sql.GetRepositoryId, Text("name", repository));
        return (long)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params ReadOnlySpan<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter BigInt(string name, long value) => new NpgsqlParameter<long>(name, NpgsqlDbType.Bigint) { TypedValue = value };

    private static NpgsqlParameter BigInt(string name, long? value) =>
        new(name, NpgsqlDbType.Bigint) { Value = value is { } set ? set : DBNull.Value };

    private static NpgsqlParameter Integer(string name, int value) => new NpgsqlParameter<int>(name, NpgsqlDbType.Integer) { TypedValue = value };

    private static NpgsqlParameter Flag(string name, bool value) => new NpgsqlParameter<short>(name, NpgsqlDbType.Smallint) { TypedValue = value ? (short)1 : (short)0 };

    private static NpgsqlParameter Bytes(string name, byte[] value) => new NpgsqlParameter<byte[]>(name, NpgsqlDbType.Bytea) { TypedValue = value };

    private static NpgsqlParameter TextArray(string name, string[] values) =>
        new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values };

    private static NpgsqlParameter BigIntArray(string name, long[] values) =>
        new NpgsqlParameter<long[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = values };

    private static async Task<IReadOnlyList<string>> ReadStringsAsync(NpgsqlCommand command, int limit, CancellationToken cancellationToken)
    {
        if (limit == 0)
        {
            return [];
        }

        return await ReadAllStringsAsync(command, Math.Min(limit, 1024), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<string>> ReadAllStringsAsync(NpgsqlCommand command, int capacity, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var values = new List<string>(capacity);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static DateTimeOffset FromUnixMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    /// <summary>
    /// The statements of the repository, manifest, tag and upload tables. They are <see cref="Sqlite.SqliteMetadataStore"/>'s
    /// with PostgreSQL's forms where they are better: one round trip to find or create a repository, and arrays
    /// (<c>unnest</c>) to insert a manifest's references in one statement.
    /// </summary>
    private static class Sql
    {
        public const string ManifestColumns =
            "m.digest, m.media_type, m.payload, m.subject, m.artifact_type, m.annotations, m.created";

        public const string Ping = "SELECT 1";

        public const string GetRepositoryId = "SELECT id FROM repositories WHERE name = @name";

        // The existing id, else the inserted one; no row when another transaction inserted the name concurrently.
        public const string EnsureRepository =
            """
            WITH existing AS (SELECT id FROM repositories WHERE name = @name),
                 inserted AS (
                     INSERT INTO repositories (name, created) SELECT @name, @created WHERE NOT EXISTS (SELECT 1 FROM existing)
                     ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM existing UNION ALL SELECT id FROM inserted
            """;

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
            SELECT EXISTS (SELECT 1 FROM blobs WHERE digest = @digest)
                OR EXISTS (SELECT 1 FROM manifest_blobs WHERE blob_digest = @digest)
            """;

        public const string InsertManifest =
            """
            INSERT INTO manifests (repository_id, digest, media_type, payload, size, subject, artifact_type, annotations, created)
            VALUES (@repository_id, @digest, @media_type, @payload, @size, @subject, @artifact_type, @annotations, @created)
            ON CONFLICT (repository_id, digest) DO NOTHING
            """;

        public const string InsertManifestBlobs =
            """
            INSERT INTO manifest_blobs (repository_id, manifest_digest, blob_digest)
            SELECT @repository_id, @manifest_digest, d FROM unnest(@digests) AS d
            ON CONFLICT DO NOTHING
            """;

        public const string InsertManifestChildren =
            """
            INSERT INTO manifest_children (repository_id, manifest_digest, child_digest)
            SELECT @repository_id, @manifest_digest, d FROM unnest(@digests) AS d
            ON CONFLICT DO NOTHING
            """;

        // Changes one row when the tag is new or moves, none when it already points at the digest: the caller appends
        // history exactly then. The conflicting row stays locked either way, so puts of one tag append in lock order.
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
