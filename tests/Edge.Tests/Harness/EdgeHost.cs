using EdgeRegistry.Edge.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Edge.Tests.Harness;

/// <summary>An edge started in-process on a free 127.0.0.1 port, with its cache in a temp directory.</summary>
internal sealed class EdgeHost : IAsyncDisposable
{
    private readonly TempDirectory? ownDirectory;

    private EdgeHost(WebApplication app, Uri url, EdgeOptions options, TempDirectory? ownDirectory)
    {
        App = app;
        Url = url;
        Options = options;
        this.ownDirectory = ownDirectory;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
    }

    public WebApplication App { get; }

    public Uri Url { get; }

    /// <summary><c>127.0.0.1:port</c>, as skopeo wants it.</summary>
    public string HostPort => $"{Url.Host}:{Url.Port}";

    public EdgeOptions Options { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<EdgeHost> StartAsync(
        Uri origin, Func<EdgeOptions, EdgeOptions>? configure = null, TimeProvider? time = null, string? cacheDirectory = null, Action<IServiceCollection>? configureServices = null)
    {
        var own = cacheDirectory is null ? new TempDirectory() : null;
        var options = new EdgeOptions
        {
            Listen = "127.0.0.1:0",
            Origin = new OriginOptions { Url = origin, Timeout = TimeSpan.FromSeconds(10), Retries = 1, BreakDuration = TimeSpan.FromSeconds(1) },
            Cache = new CacheOptions { Directory = cacheDirectory ?? own!.Path },
            Log = new LogOptions { Level = "warning" },
        };
        options = configure?.Invoke(options) ?? options;
        var app = EdgeApp.Build([], options, services =>
        {
            if (time is not null)
            {
                services.AddSingleton(time);
            }

            configureServices?.Invoke(services);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EdgeHost(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), options, own);
    }

    /// <summary>The value of one Prometheus sample line (<c>name{labels}</c>), 0 when absent.</summary>
    public async Task<double> MetricAsync(string sample)
    {
        var text = await Client.GetStringAsync("/metrics");
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        ownDirectory?.Dispose();
    }
}
