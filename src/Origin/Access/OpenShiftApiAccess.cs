using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Origin.Access;

/// <summary>The API side of the OpenShift access model: access tokens (Basic password or Bearer), the same roles as <c>/v2</c>.</summary>
internal sealed class OpenShiftApiAccess(CallerResolver resolver, AccessPolicy policy, AccessChallenge challenge) : IApiAccess
{
    public async ValueTask<Caller> ResolveAsync(HttpContext context, CancellationToken cancellationToken) =>
        await resolver.ResolveAsync(context, CredentialUse.Api, cancellationToken)
        ?? throw challenge.Basic(context, "invalid credentials");

    public async ValueTask<Caller> RequireProjectAsync(HttpContext context, string project, ProjectPermissions needed, CancellationToken cancellationToken)
    {
        var caller = await ResolveAsync(context, cancellationToken);
        var permissions = await policy.ProjectPermissionsAsync(caller, project, cancellationToken);
        if ((permissions & needed) == needed)
        {
            return caller;
        }

        if (caller.IsAnonymous)
        {
            throw challenge.Basic(context, "authentication required");
        }

        throw new RegistryException(ErrorCode.Denied, $"{caller.User} may not do this in project {project}", new { project });
    }

    public async ValueTask<Caller> RequireClusterAdminAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = await RequireUserAsync(context, cancellationToken);
        return caller.IsClusterAdmin
            ? caller
            : throw new RegistryException(ErrorCode.Denied, $"{caller.User} is not a {Roles.ClusterAdmin}", new { role = Roles.ClusterAdmin });
    }

    public async ValueTask<Caller> RequireUserAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = await ResolveAsync(context, cancellationToken);
        return caller.IsAnonymous ? throw challenge.Basic(context, "authentication required") : caller;
    }
}
