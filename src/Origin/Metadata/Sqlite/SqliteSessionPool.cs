using System.Collections.Concurrent;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>
/// Open sessions kept for reuse. A rented session belongs to its renter until returned; at most
/// <c>maxIdle</c> idle sessions are kept, extra ones are closed on return. Thread-safe.
/// </summary>
/// <remarks>
/// The store keeps its own pool rather than Microsoft.Data.Sqlite's because a pooled
/// <see cref="Microsoft.Data.Sqlite.SqliteConnection"/> loses its prepared commands on every close: a
/// session keeps them, so the hot reads never re-parse SQL.
/// </remarks>
internal sealed class SqliteSessionPool(string connectionString, int maxIdle) : IDisposable
{
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>An idle session, or a newly opened one when none is idle.</summary>
    public SqliteSession Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            return session;
        }

        return SqliteSession.Open(connectionString);
    }

    /// <summary>
    /// Gives a session back for reuse. Pass <paramref name="broken"/> when an operation on it failed in a
    /// way that may have left it unusable: it is then closed instead.
    /// </summary>
    public void Return(SqliteSession session, bool broken = false)
    {
        if (broken || _disposed)
        {
            session.Dispose();
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > maxIdle)
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
            return;
        }

        _idle.Add(session);

        // Dispose may have drained the bag between the check above and the Add.
        if (_disposed)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _idleCount);
            session.Dispose();
        }
    }
}
