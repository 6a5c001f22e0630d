using EdgeRegistry.Origin.Tests.Harness;

namespace EdgeRegistry.Origin.Tests.Metadata.Postgres;

/// <summary>One PostgreSQL server for every test of the collection; each test class instance makes a database of its own on it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? server;

    internal PostgresServer Server => server ?? throw new InvalidOperationException("PostgreSQL is not started");

    public async Task InitializeAsync()
    {
        server = await PostgresServer.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
