using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Tests.Metadata;

public sealed class SqliteSessionTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-session-" + Guid.NewGuid().ToString("N"));

    public SqliteSessionTests() => Directory.CreateDirectory(_directory);

    private string ConnectionString =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "s.db"), Pooling = false }.ToString();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Open_NewConnection_AppliesDurabilityAndIntegrityPragmas()
    {
        using var session = SqliteSession.Open(ConnectionString);

        // synchronous: 2 is FULL.
        Assert.Equal(2L, Scalar(session, "PRAGMA synchronous"));
        Assert.Equal(1L, Scalar(session, "PRAGMA foreign_keys"));
        Assert.True((long)Scalar(session, "PRAGMA busy_timeout")! > 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void InTransaction_WorkThrows_RollsBackEverythingAndSyncsFullAfter(bool durable)
    {
        using var session = SqliteSession.Open(ConnectionString);
        Scalar(session, "CREATE TABLE t (v INTEGER)");

        Assert.Throws<InvalidOperationException>(() => session.InTransaction<int, int>(
            0,
            static (s, _) =>
            {
                s.Command("INSERT INTO t (v) VALUES (1)").ExecuteNonQuery();
                throw new InvalidOperationException("fail after insert");
            },
            durable));
        session.InTransaction(0, static (s, _) => s.Command("INSERT INTO t (v) VALUES (2)").ExecuteNonQuery());

        Assert.Equal(2L, Scalar(session, "SELECT SUM(v) FROM t"));
        Assert.Equal(2L, Scalar(session, "PRAGMA synchronous"));
    }

    [Fact]
    public void InTransaction_NotDurable_CommitsWithoutSyncAndRestoresFullAfter()
    {
        using var session = SqliteSession.Open(ConnectionString);
        Scalar(session, "CREATE TABLE t (v INTEGER)");

        // synchronous: 1 is NORMAL (in WAL, a commit is not synced), 2 is FULL.
        var during = session.InTransaction(
            0,
            static (s, _) =>
            {
                s.Command("INSERT INTO t (v) VALUES (5)").ExecuteNonQuery();
                return (long)s.Command("PRAGMA synchronous").ExecuteScalar()!;
            },
            durable: false);

        Assert.Equal(1L, during);
        Assert.Equal(2L, Scalar(session, "PRAGMA synchronous"));
        Assert.Equal(5L, Scalar(session, "SELECT SUM(v) FROM t"));
    }

    [Fact]
    public void Command_SameSqlTwice_ReusesPreparedCommandWithNewValues()
    {
        using var session = SqliteSession.Open(ConnectionString);

        var first = session.Command("SELECT @a + @b", "@a", "@b");
        first.Parameters[0].Value = 1;
        first.Parameters[1].Value = 2;
        Assert.Equal(3L, first.ExecuteScalar());
        var second = session.Command("SELECT @a + @b", "@a", "@b");
        second.Parameters[0].Value = 10;
        second.Parameters[1].Value = 20;

        Assert.Same(first, second);
        Assert.Equal(30L, second.ExecuteScalar());
    }

    private static object? Scalar(SqliteSession session, string sql)
    {
        using var command = session.Connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
