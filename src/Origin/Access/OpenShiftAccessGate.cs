using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// The gate of <c>/v2</c> when <c>auth.openshift</c> is configured.
/// <list type="bullet">
/// <item>No credentials: pulls from public projects pass; everything else is 401 UNAUTHORIZED with the challenge.</item>
/// <item>Credentials that are not valid (wrong, expired, revoked): 401 UNAUTHORIZED with the challenge.</item>
/// <item>A user without <c>system:registry</c> (or <c>cluster-admin</c>): 403 DENIED everywhere, as the seed requires (3.3.3.1).</item>
/// <item>A user whose roles do not allow the action: 403 DENIED, whether the repository exists or not (its existence is not told).</item>
/// <item>A registry token that does not grant the action while the user's roles would: 401 with
/// <c>error="insufficient_scope"</c>, so the client fetches a token for it. What a registry token grants is always
/// checked again against the current roles, so a role taken away ends access at once.</item>
/// <item>A cross-repository mount (<c>POST .../blobs/uploads/?mount=&amp;from=</c>) also needs pull on <c>from</c>.</item>
/// </list>
/// </summary>
internal sealed class OpenShiftAccessGate(CallerResolver resolver, AccessPolicy policy, AccessChallenge challenge) : IAccessGate
{
    private const string CatalogScope = "registry:catalog:*";

    public async ValueTask AuthenticateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = await ResolveAsync(context, cancellationToken);
        var catalog = context.Request.Path.Value?.EndsWith("/_catalog", StringComparison.Ordinal) == true;
        var scope = catalog ? CatalogScope : null;
        if (caller.IsAnonymous)
        {
            // An anonymous registry token may reach /v2/ (skopeo logs in anonymously that way), never the catalog.
            if (caller.Kind == CallerKind.RegistryToken && !catalog)
            {
                return;
            }

            throw challenge.Registry(context, scope, insufficientScope: false, "authentication required");
        }

        RequireRegistryUser(caller);
        if (catalog && caller.Token is { } token && !token.Grants(TokenScope.RegistryType, TokenScope.CatalogName, "*"))
        {
            throw challenge.Registry(context, scope, insufficientScope: true, "the token does not grant the catalog");
        }
    }

    public async ValueTask AuthorizeAsync(HttpContext context, string repository, RegistryAction action, CancellationToken cancellationToken)
    {
        var caller = await ResolveAsync(context, cancellationToken);
        await RequireAsync(context, caller, repository, action, cancellationToken);

        var request = context.Request;
        if (action == RegistryAction.Push && HttpMethods.IsPost(request.Method) && request.Query.ContainsKey("mount")
            && request.Query["from"].ToString() is { Length: > 0 } from && RepositoryName.IsValid(from) && from != repository)
        {
            await RequireAsync(context, caller, from, RegistryAction.Pull, cancellationToken);
        }
    }

    public async ValueTask<IReadOnlyList<string>> FilterVisibleAsync(HttpContext context, IReadOnlyList<string> repositories, CancellationToken cancellationToken)
    {
        var caller = await ResolveAsync(context, cancellationToken);
        var projects = await policy.PullableProjectsAsync(caller, cancellationToken);
        return projects is null
            ? repositories
            : repositories.Where(name => AccessPolicy.ProjectOf(name) is { } project && projects.Contains(project)).ToList();
    }

    private async ValueTask<Caller> ResolveAsync(HttpContext context, CancellationToken cancellationToken) =>
        await resolver.ResolveAsync(context, CredentialUse.Registry, cancellationToken)
        ?? throw challenge.Registry(context, null, insufficientScope: false, "invalid credentials");

    private async ValueTask RequireAsync(HttpContext context, Caller caller, string repository, RegistryAction action, CancellationToken cancellationToken)
    {
        var scope = $"{TokenScope.RepositoryType}:{repository}:{ScopeActions(action)}";
        if (!caller.IsAnonymous)
        {
            RequireRegistryUser(caller);
        }

        var allowed = (await policy.RepositoryPermissionsAsync(caller, repository, cancellationToken) & Needed(action)) != 0;
        if (!allowed)
        {
            if (caller.IsAnonymous)
            {
                throw challenge.Registry(context, scope, insufficientScope: false, "authentication required");
            }

            throw new RegistryException(ErrorCode.Denied, $"{caller.User} may not {ActionName(action)} {repository}", new { name = repository, action = ActionName(action) });
        }

        if (caller.Token is { } token && !token.Grants(TokenScope.RepositoryType, repository, ActionName(action)))
        {
            throw challenge.Registry(context, scope, insufficientScope: true, $"the token does not grant {ActionName(action)} on {repository}");
        }
    }

    private static void RequireRegistryUser(Caller caller)
    {
        if (!caller.MayUseRegistry)
        {
            throw new RegistryException(ErrorCode.Denied, $"{caller.User} does not have the {Roles.Registry} role", new { role = Roles.Registry });
        }
    }

    private static ProjectPermissions Needed(RegistryAction action) => action switch
    {
        RegistryAction.Pull => ProjectPermissions.Pull,
        RegistryAction.Push => ProjectPermissions.Push,
        _ => ProjectPermissions.Delete,
    };

    /// <summary>The token action a request needs (Docker token protocol names).</summary>
    public static string ActionName(RegistryAction action) => action switch
    {
        RegistryAction.Pull => "pull",
        RegistryAction.Push => "push",
        _ => "delete",
    };

    // A pusher needs pull too (clients check for existing blobs); asking for both in the challenge saves a round trip.
    private static string ScopeActions(RegistryAction action) => action switch
    {
        RegistryAction.Pull => "pull",
        RegistryAction.Push => "pull,push",
        _ => "delete",
    };
}
