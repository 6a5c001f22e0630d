using System.Net;

namespace EdgeRegistry.Integration.Tests.Harness;

public sealed class DockerRegistryProcessTests : IDisposable
{
    private const string MissingBlob = "/v2/team/app/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task Requests_AccessLogOnAcrossRestart_ListsTheTestsRequestsWithoutReadinessProbes()
    {
        await using var registry = await DockerRegistryProcess.StartAsync(new DockerRegistryOptions { AccessLog = true }, _timeout.Token);
        using var client = registry.CreateHttpClient();
        using var version = await client.GetAsync("v2/", _timeout.Token);
        using var blob = await client.GetAsync(MissingBlob, _timeout.Token);
        await registry.RestartAsync(_timeout.Token);
        using var catalog = await client.GetAsync("v2/_catalog", _timeout.Token);

        // The registry logs a request when it has answered it; the line reaches us through a pipe.
        while (registry.Requests.Count < 3)
        {
            await Task.Delay(50, _timeout.Token);
        }

        Assert.Equal(HttpStatusCode.NotFound, blob.StatusCode);
        Assert.Equal(["GET /v2/", $"GET {MissingBlob}", "GET /v2/_catalog"], registry.Requests);
        Assert.Equal(1, registry.BlobGets);
    }

    [Fact]
    public async Task Requests_AccessLogOff_Throws()
    {
        await using var registry = await DockerRegistryProcess.StartAsync(null, _timeout.Token);

        Assert.Throws<InvalidOperationException>(() => registry.Requests);
    }

    public void Dispose() => _timeout.Dispose();
}
