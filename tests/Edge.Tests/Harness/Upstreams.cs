using EdgeRegistry.Edge.Configuration;

namespace EdgeRegistry.Edge.Tests.Harness;

/// <summary>Edge configurations that reach a fake remote registry as <c>docker.io</c> (plain HTTP, listed as insecure, fast retries).</summary>
internal static class Upstreams
{
    /// <summary><c>docker.io</c> aliased to <paramref name="remote"/>; <paramref name="allowed"/> null means <c>[docker.io]</c>.</summary>
    public static Func<EdgeOptions, EdgeOptions> DockerIoAt(FakeOrigin remote, string[]? allowed = null, bool mirror = false, string? defaultRegistry = null) =>
        options => options with
        {
            Upstream = new UpstreamOptions
            {
                Allowed = allowed ?? ["docker.io"],
                Insecure = ["docker.io"],
                Aliases = new Dictionary<string, string> { ["docker.io"] = remote.Url.GetLeftPart(UriPartial.Authority) },
                RetryDelay = TimeSpan.FromMilliseconds(10),
                RetryMaxDelay = TimeSpan.FromMilliseconds(50),
            },
            Mirror = new MirrorOptions { Enabled = mirror, DefaultRegistry = defaultRegistry },
        };

    /// <summary>Reads a response to its end or until the server breaks it off; returns how many body bytes arrived.</summary>
    public static async Task<long> ReadAsMuchAsPossibleAsync(HttpClient client, string path)
    {
        long received = 0;
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                received += read;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The edge aborts the response: what arrived before is what counts.
        }

        return received;
    }
}
