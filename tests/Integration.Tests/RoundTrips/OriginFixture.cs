using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.RoundTrips;

/// <summary>One origin process on filesystem storage and SQLite, shared by the tests of a class.</summary>
public sealed class OriginFixture : IAsyncLifetime
{
    private OriginProcess? _origin;

    public OriginProcess Origin => _origin ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _origin = await OriginProcess.StartAsync(null, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }
    }
}
