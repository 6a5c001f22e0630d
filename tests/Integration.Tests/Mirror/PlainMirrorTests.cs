using System.Net;

namespace EdgeRegistry.Integration.Tests.Mirror;

/// <summary>Mirror mode against the remote over plain HTTP, and what a plain-HTTP registry not listed as insecure gets.</summary>
public sealed class PlainMirrorTests(PlainMirrorFixture fixture) : MirrorTests<PlainMirrorFixture>(fixture), IClassFixture<PlainMirrorFixture>
{
    [Fact]
    public async Task Get_PlainHttpRegistryNotListedAsInsecure_RefusedNamingTls()
    {
        var registry = Fixture.Remote.Host;
        var blob = Fixture.Busybox.Layers[0].Digest;
        await using var edge = await Fixture.StartMirrorAsync(Ct, allowed: ["docker.io", registry]);
        using var client = edge.CreateHttpClient();

        using var response = await client.GetAsync($"v2/library/busybox/blobs/{blob}?ns={registry}", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"TLS connection to registry {registry} failed", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
