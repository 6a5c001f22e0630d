using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Origin.Tests.Storage.CloudFront;

/// <summary>
/// Serves a generated <c>ip-ranges.json</c> at <c>http://127.0.0.1:port/ip-ranges.json</c> in place of AWS's,
/// as Kestrel on a random port; the document and the status can be changed between requests.
/// </summary>
internal sealed class IpRangesServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private IpRangesServer(WebApplication app, Uri url)
    {
        this.app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The body of the next answers.</summary>
    public string Document { get; set; } = Generate();

    /// <summary>The status of the next answers (200 unless a test breaks it).</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    public int Requests => Volatile.Read(ref requests);

    public static async Task<IpRangesServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        IpRangesServer? server = null;
        app.MapGet("/ip-ranges.json", async context =>
        {
            Interlocked.Increment(ref server!.requests);
            context.Response.StatusCode = server.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(server.Document, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new IpRangesServer(app, new Uri(new Uri(address), "/ip-ranges.json"));
        return server;
    }

    /// <summary>An ip-ranges.json in AWS's shape with the given IPv4 and IPv6 prefixes and their regions.</summary>
    public static string Generate(IEnumerable<(string Prefix, string Region)>? v4 = null, IEnumerable<(string Prefix, string Region)>? v6 = null)
    {
        static string Entries(IEnumerable<(string Prefix, string Region)>? entries, string key) =>
            string.Join(",", (entries ?? []).Select(e =>
                $$"""{"{{key}}":"{{e.Prefix}}","region":"{{e.Region}}","service":"AMAZON","network_border_group":"{{e.Region}}"}"""));

        return $$"""
            {"syncToken":"1700000000","createDate":"2024-01-01-00-00-00",
             "prefixes":[{{Entries(v4, "ip_prefix")}}],
             "ipv6_prefixes":[{{Entries(v6, "ipv6_prefix")}}]}
            """;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
