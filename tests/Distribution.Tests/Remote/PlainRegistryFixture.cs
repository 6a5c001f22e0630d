namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>docker-registry over plain HTTP, without auth, holding <see cref="App"/> and <see cref="Busybox"/>.</summary>
public sealed class PlainRegistryFixture : IAsyncLifetime
{
    private DockerRegistryProcess? registry;

    internal DockerRegistryProcess Registry => registry!;

    internal SeededImage App { get; private set; } = null!;

    /// <summary>An official-style image, <c>library/busybox:latest</c>, for Docker Hub aliasing.</summary>
    internal SeededImage Busybox { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        registry = await DockerRegistryProcess.StartAsync(options: null, CancellationToken.None);
        using var http = new HttpClient();
        App = await RegistrySeeder.PushImageAsync(http, registry.BaseAddress, "edge/app", "v1", 2 * 1024 * 1024 + 17);
        Busybox = await RegistrySeeder.PushImageAsync(http, registry.BaseAddress, "library/busybox", "latest", 4096);
    }

    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }
    }
}
