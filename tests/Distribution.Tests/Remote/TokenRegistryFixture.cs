namespace EdgeRegistry.Distribution.Tests.Remote;

/// <summary>
/// docker-registry with token auth (<c>auth.token</c>) backed by a real <see cref="TokenServer"/>, holding a
/// public image and one under <c>private/</c> that only <see cref="TokenServer.Credential"/> may pull.
/// </summary>
public sealed class TokenRegistryFixture : IAsyncLifetime
{
    private DockerRegistryProcess? registry;
    private TokenServer? tokens;

    internal DockerRegistryProcess Registry => registry!;

    internal TokenServer Tokens => tokens!;

    internal SeededImage Public { get; private set; } = null!;

    internal SeededImage Private { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        tokens = await TokenServer.StartAsync();
        registry = await DockerRegistryProcess.StartAsync(new DockerRegistryOptions { ExtraYaml = tokens.AuthYaml() }, CancellationToken.None);
        using var http = new HttpClient();
        Public = await RegistrySeeder.PushImageAsync(
            http, registry.BaseAddress, "open/app", "v1", 100_000, tokens.Authorize("repository:open/app:pull,push"));
        Private = await RegistrySeeder.PushImageAsync(
            http, registry.BaseAddress, "private/app", "v1", 100_000, tokens.Authorize("repository:private/app:pull,push"));
    }

    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }

        if (tokens is not null)
        {
            await tokens.DisposeAsync();
        }
    }
}
