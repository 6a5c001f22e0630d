using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Peers;

/// <summary>One plain-HTTP docker-registry without auth, shared by the tests of a class.</summary>
public sealed class DockerRegistryFixture : IAsyncLifetime
{
    private DockerRegistryProcess? _registry;

    /// <summary>The running registry.</summary>
    public DockerRegistryProcess Registry => _registry ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _registry = await DockerRegistryProcess.StartAsync(null, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }
}
