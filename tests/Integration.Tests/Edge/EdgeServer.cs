using EdgeRegistry.Edge;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Integration.Tests.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Integration.Tests.Edge;

/// <summary>
/// The edge, built in-process with <see cref="EdgeApp.Build"/> exactly as its Program.cs builds it, listening
/// on 127.0.0.1 port 0 in front of one origin, its cache in a temp directory. In-process rather than a child
/// process: the edge's own tests already run it as a process; here what matters is the real origin behind it.
/// </summary>
public sealed class EdgeServer : IAsyncDisposable, IRegistryEndpoint
{
    private readonly WebApplication _app;
    private readonly TempDirectory _cache;

    private EdgeServer(WebApplication app, TempDirectory cache, Uri url)
    {
        _app = app;
        _cache = cache;
        BaseAddress = url;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    public string Host => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public RegistryAccess Access => RegistryAccess.Insecure;

    /// <summary>The cache directory (blobs under <c>blobs/sha256/</c>).</summary>
    public string CacheDirectory => _cache.Path;

    /// <summary>
    /// Starts an edge in front of <paramref name="origin"/>. Authorization answers and last tag answers are
    /// kept for ten minutes, so a test that stops the origin is inside both.
    /// </summary>
    public static async Task<EdgeServer> StartAsync(Uri origin, CancellationToken cancellationToken)
    {
        var cache = new TempDirectory("edge-cache-");
        try
        {
            var options = new EdgeOptions
            {
                Listen = "127.0.0.1:0",
                Origin = new EdgeRegistry.Edge.Configuration.OriginOptions
                {
                    Url = origin,
                    Timeout = TimeSpan.FromSeconds(10),
                    Retries = 1,
                    BreakDuration = TimeSpan.FromSeconds(1),
                },
                Cache = new CacheOptions { Directory = cache.Path },
                Authorization = new AuthorizationOptions { Ttl = TimeSpan.FromMinutes(10) },
                Manifests = new ManifestOptions { StaleIfError = TimeSpan.FromMinutes(10) },
                Log = new LogOptions { Level = "warning" },
            };
            var app = EdgeApp.Build([], options);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new EdgeServer(app, cache, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    public string ImageReference(string repository, string tagOrDigest) =>
        $"docker://{Host}/{repository}{(tagOrDigest.Contains(':') ? "@" : ":")}{tagOrDigest}";

    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>The value of one of the edge's Prometheus samples (<c>name{labels}</c>), 0 when absent.</summary>
    public async Task<double> MetricAsync(string sample, CancellationToken cancellationToken)
    {
        using var client = CreateHttpClient();
        return PrometheusText.Sum(await client.GetStringAsync("metrics", cancellationToken), sample, []);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _cache.Dispose();
    }
}
