namespace EdgeRegistry.Origin.Access;

/// <summary>No auth configured: every API caller may do everything, as on <c>/v2</c>.</summary>
internal sealed class OpenApiAccess : IApiAccess
{
    public ValueTask<Caller> ResolveAsync(HttpContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Caller.Unrestricted);

    public ValueTask<Caller> RequireProjectAsync(HttpContext context, string project, ProjectPermissions needed, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Caller.Unrestricted);

    public ValueTask<Caller> RequireClusterAdminAsync(HttpContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Caller.Unrestricted);

    public ValueTask<Caller> RequireUserAsync(HttpContext context, CancellationToken cancellationToken) => ValueTask.FromResult(Caller.Unrestricted);
}
