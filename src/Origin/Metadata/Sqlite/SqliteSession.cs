using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>
/// One open SQLite connection with its prepared commands, used by one caller at a time. Commands are
/// prepared once per SQL text and reused for the connection's lifetime, so a hot query costs a bind and a
/// step, never a parse. Not thread-safe: <see cref="SqliteSessionPool"/> hands each session to one caller.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    // Milliseconds SQLite itself waits for another connection's lock (another process, or a checkpoint)
    // before reporting SQLITE_BUSY. In-process writers never contend: the store serializes them.
    private const int BusyTimeoutMilliseconds = 10_000;

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _transaction;

    private SqliteSession(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// Opens a connection and applies the per-connection settings: synchronous=FULL (a commit is on disk,
    /// WAL included, before it returns), foreign keys on, and a busy timeout.
    /// </summary>
    public static SqliteSession Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText =
                $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
            pragma.ExecuteNonQuery();
            return new SqliteSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The connection, for statements that are run once (migrations, pragmas).</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>
    /// The prepared command for <paramref name="sql"/>, created on first use with parameters named
    /// <paramref name="parameterNames"/> in that order (callers set <c>Parameters[i].Value</c>), and
    /// enlisted in the session's transaction when one is open.
    /// </summary>
    public SqliteCommand Command(string sql, params ReadOnlySpan<string> parameterNames)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameterNames)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _commands.Add(sql, command);
        }

        command.Transaction = _transaction;
        return command;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE, so the write lock is taken
    /// up front and never upgraded) and commits; any exception rolls everything back. Not
    /// <paramref name="durable"/>: the commit is atomic and survives the process, but is not synced to disk
    /// (synchronous=NORMAL for this transaction): a power failure may lose it, until the next durable
    /// commit, which syncs the journal with everything before it.
    /// </summary>
    public TResult InTransaction<TState, TResult>(TState state, Func<SqliteSession, TState, TResult> work, bool durable = true)
    {
        if (_transaction is not null)
        {
            throw new InvalidOperationException("A transaction is already open on this session.");
        }

        // Per connection and prepared once, like every other statement of the session.
        if (!durable)
        {
            Command("PRAGMA synchronous = NORMAL").ExecuteNonQuery();
        }

        try
        {
            // Microsoft.Data.Sqlite begins a non-deferred serializable transaction with BEGIN IMMEDIATE.
            using var transaction = _connection.BeginTransaction(deferred: false);
            _transaction = transaction;
            var result = work(this, state);
            transaction.Commit();
            return result;
        }
        finally
        {
            _transaction = null;
            if (!durable)
            {
                Command("PRAGMA synchronous = FULL").ExecuteNonQuery();
            }
        }
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        _connection.Dispose();
    }
}
