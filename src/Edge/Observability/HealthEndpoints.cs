using EdgeRegistry.Edge.Forwarding;
using Prometheus;

namespace EdgeRegistry.Edge.Observability;

/// <summary><c>/healthz</c> (the process answers), <c>/readyz</c> (the origin answers) and <c>/metrics</c>.</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", ReadyAsync);
        var metrics = endpoints.ServiceProvider.GetRequiredService<EdgeMetrics>();
        endpoints.MapMetrics("/metrics", metrics.Registry);
    }

    private static async Task<IResult> ReadyAsync(OriginClient origin, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadinessTimeout);
        try
        {
            // Any answer of the origin's /v2/ (200, or 401 with its challenge) means it is up.
            using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url("/v2/"));
            using var response = await origin.Direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return (int)response.StatusCode < 500
                ? Results.Text("ready\n")
                : Results.Text($"origin answered {(int)response.StatusCode}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (OriginClient.IsUnavailable(ex, cancellationToken))
        {
            return Results.Text($"origin unreachable: {ex.GetType().Name}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
