namespace EdgeRegistry.Signing.Tests.Jws;

/// <summary>
/// CNCF distribution (Debian's <c>docker-registry</c>, which verifies schema1 signatures with Go's
/// libtrust) listening on 127.0.0.1 with a throwaway filesystem store and schema1 pushes enabled.
/// A machine without the binary fails the tests that use it, with a message saying what to install.
/// </summary>
public sealed class DistributionRegistryFixture : IAsyncLifetime
{
    private DockerRegistryProcess? registry;

    /// <summary>The registry's base address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => Registry.BaseAddress;

    /// <summary>The registry's log, for assertion messages.</summary>
    public string Log => Registry.Output;

    private DockerRegistryProcess Registry => registry ?? throw new InvalidOperationException("The registry is not started.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var options = new DockerRegistryOptions
        {
            ExtraYaml = """
                compatibility:
                  schema1:
                    enabled: true
                """,
        };
        registry = await DockerRegistryProcess.StartAsync(options, CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (registry is not null)
        {
            await registry.DisposeAsync();
        }
    }
}
