using System.Net;
using System.Text;
using EdgeRegistry.Integration.Tests.Access;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.PullThrough;

/// <summary>The remote over plain HTTP, plus the upstream allowlist and the insecure list.</summary>
public sealed class PlainRemotePullThroughTests(PlainRemoteFixture fixture)
    : RemotePullThroughTests<PlainRemoteFixture>(fixture), IClassFixture<PlainRemoteFixture>
{
    [Fact]
    public async Task Import_RegistryOffTheAllowlist_RefusedNamingIt()
    {
        var direct = $"{Fixture.Remote.Host}/library/busybox:latest";

        var cli = await AdminCli.RunAsync(Fixture.Origin.ConfigPath, ["import-image", "team/refused", "--from", direct], Ct);
        using var client = Fixture.Origin.CreateHttpClient();
        using var api = await client.PostAsync(
            "/apis/image.openshift.io/v1/namespaces/team/imagestreamimports",
            new StringContent($$$"""{"metadata":{"name":"refused"},"spec":{"images":[{"from":{"kind":"DockerImage","name":"{{{direct}}}"}}]}}""", Encoding.UTF8, "application/json"),
            Ct);

        Assert.Equal(1, cli.ExitCode);
        Assert.Contains($"registry {Fixture.Remote.Host} is not allowed", cli.StandardError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        var body = await api.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"DENIED\"", body, StringComparison.Ordinal);
        Assert.Contains(Fixture.Remote.Host, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullThrough_RegistryOffTheAllowlist_Denied()
    {
        // Imported by an administrator whose configuration allows the registry; the server's does not.
        var permissive = Fixture.WriteConfig("permissive.yml", Fixture.UpstreamYaml(allowed: ["docker.io", Fixture.Remote.Host], insecure: [Fixture.Remote.Host]));
        await AdminCli.RunCheckedAsync(permissive, Ct, "import-image", "team/direct", "--from", $"{Fixture.Remote.Host}/library/busybox:latest");
        var layer = Fixture.Busybox.Layers[0].Digest;

        var pull = await TryPullAsync("team/direct", "latest");
        using var client = Fixture.Origin.CreateHttpClient();
        using var response = await client.GetAsync($"/v2/team/direct/blobs/{layer}", Ct);

        Assert.False(pull.Succeeded);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"DENIED\"", body, StringComparison.Ordinal);
        Assert.Contains($"registry {Fixture.Remote.Host} is not allowed", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_InsecureRegistryNotListedAsInsecure_Refused()
    {
        var strict = Fixture.WriteConfig("strict.yml", Fixture.UpstreamYaml(allowed: ["docker.io", Fixture.Remote.Host], insecure: []));

        var result = await AdminCli.RunAsync(strict, ["import-image", "team/insecure", "--from", $"{Fixture.Remote.Host}/library/busybox:latest"], Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"TLS connection to registry {Fixture.Remote.Host} failed", result.StandardError, StringComparison.Ordinal);
    }
}
