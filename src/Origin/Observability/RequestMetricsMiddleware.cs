namespace EdgeRegistry.Origin.Observability;

/// <summary>Counts every /v2 request by the route kind the dispatcher recorded, its method and final status.</summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next)
{
    /// <summary>HttpContext.Items key holding the route kind name.</summary>
    public const string RouteItem = "edgeregistry.route";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            var route = context.Items[RouteItem] as string ?? "unknown";
            RegistryMetrics.Requests.WithLabels(route, context.Request.Method, context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        }
    }
}
