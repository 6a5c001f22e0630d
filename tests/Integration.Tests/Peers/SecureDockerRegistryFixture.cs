using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Peers;

/// <summary>One docker-registry with htpasswd Basic auth and TLS from a generated CA, shared by a class.</summary>
public sealed class SecureDockerRegistryFixture : IAsyncLifetime
{
    /// <summary>The user the registry accepts.</summary>
    public const string User = "alice";

    private DockerRegistryProcess? _registry;

    /// <summary>The password of <see cref="User"/>, made per run.</summary>
    public string Password { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The running registry.</summary>
    public DockerRegistryProcess Registry => _registry ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var options = new DockerRegistryOptions
        {
            Users = new Dictionary<string, string> { [User] = Password },
            Tls = true,
        };
        _registry = await DockerRegistryProcess.StartAsync(options, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }
}
