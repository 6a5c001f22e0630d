using System.Net;

namespace EdgeRegistry.Integration.Tests.Harness;

public sealed class ServerProcessTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task Kill_RunningRegistry_StopsAnswering()
    {
        await using var registry = await DockerRegistryProcess.StartAsync(null, _timeout.Token);
        using var client = registry.CreateHttpClient();
        using var before = await client.GetAsync("v2/", _timeout.Token);

        registry.Kill();

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.False(registry.Server.IsRunning);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("v2/", _timeout.Token));
    }

    [Fact]
    public async Task RestartAsync_AfterKill_ServesImagePushedBefore()
    {
        await using var registry = await DockerRegistryProcess.StartAsync(null, _timeout.Token);
        using var layout = new OciLayoutBuilder();
        using var skopeo = new Skopeo();
        var image = layout.AddImage("kept", layerCount: 1, layerSize: 4096);
        (await skopeo.CopyAsync(image.Reference, registry.ImageReference("kept/image", "kept"), destinationAccess: registry.Access, cancellationToken: _timeout.Token)).EnsureSuccess();
        var firstProcess = registry.Server.ProcessId;

        registry.Kill();
        await registry.RestartAsync(_timeout.Token);
        var inspected = await skopeo.InspectAsync(registry.ImageReference("kept/image", "kept"), raw: true, registry.Access, _timeout.Token);

        Assert.NotEqual(firstProcess, registry.Server.ProcessId);
        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(inspected.EnsureSuccess().StandardOutputBytes));
        Assert.Contains("start #2", registry.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopAsync_RunningRegistry_ExitsOnSigterm()
    {
        await using var registry = await DockerRegistryProcess.StartAsync(null, _timeout.Token);

        var exitCode = await registry.Server.StopAsync(TimeSpan.FromSeconds(20), _timeout.Token);

        Assert.NotNull(exitCode);
        Assert.False(registry.Server.IsRunning);
    }

    [Fact]
    public async Task StartAsync_ProcessExitsEarly_FailsWithItsOutput()
    {
        using var directory = new TempDirectory();
        var options = new ServerProcessOptions
        {
            Name = "docker-registry",
            FileName = Prerequisites.RequireTool("docker-registry"),
            Arguments = ["serve", directory.Combine("missing-config.yml")],
            ReadinessUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/v2/"),
        };

        var error = await Assert.ThrowsAsync<ServerStartException>(() => ServerProcess.StartAsync(options, _timeout.Token));

        Assert.Contains("exited with code", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing-config.yml", error.Output, StringComparison.Ordinal);
        Assert.False(error.AddressInUse);
    }

    [Fact]
    public async Task StartAsync_NeverReady_FailsWithCapturedOutputAndKillsTheProcess()
    {
        var marker = Guid.NewGuid().ToString("N");
        var options = new ServerProcessOptions
        {
            Name = "silent",
            FileName = "/bin/sh",
            Arguments = ["-c", $"echo {marker}; echo to-stderr >&2; exec sleep 120"],
            ReadinessUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}/healthz"),
            ReadinessTimeout = TimeSpan.FromSeconds(1),
        };

        var error = await Assert.ThrowsAsync<ServerStartException>(() => ServerProcess.StartAsync(options, _timeout.Token));

        Assert.Contains("was not ready", error.Message, StringComparison.Ordinal);
        Assert.Contains(marker, error.Output, StringComparison.Ordinal);
        Assert.Contains("to-stderr", error.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartOnFreePortAsync_AddressTaken_RetriesOnAnotherPort()
    {
        using var blocker = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var taken = ((IPEndPoint)blocker.LocalEndpoint).Port;
        using var directory = new TempDirectory();
        var attempts = new List<int>();

        var (server, port) = await ServerProcess.StartOnFreePortAsync(
            candidate =>
            {
                // The first attempt is pointed at a port that is in use, as if another process took it.
                var listen = attempts.Count == 0 ? taken : candidate;
                attempts.Add(listen);
                var config = directory.Combine($"config-{attempts.Count}.yml");
                File.WriteAllText(config, $"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {directory.Path}\nhttp:\n  addr: 127.0.0.1:{listen}\n");
                return new ServerProcessOptions
                {
                    Name = "docker-registry",
                    FileName = Prerequisites.RequireTool("docker-registry"),
                    Arguments = ["serve", config],
                    ReadinessUrl = new Uri($"http://127.0.0.1:{listen}/v2/"),
                    ReadinessTimeout = TimeSpan.FromSeconds(2),
                    IsReady = status => status == HttpStatusCode.OK,
                };
            },
            _timeout.Token);
        await using var _ = server;

        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[1], port);
        Assert.True(server.IsRunning);
    }

    public void Dispose() => _timeout.Dispose();
}
