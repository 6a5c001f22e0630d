using System.Globalization;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// The account endpoints under <c>/openshift</c>:
/// <list type="bullet">
/// <item><c>GET /openshift/token?service=&amp;scope=</c>: the Docker token endpoint. Basic credentials (user and
/// password, or any name and an access token) or none (anonymous); answers <c>{token, access_token,
/// expires_in, issued_at}</c> with a registry token granting, for each requested scope, the actions the caller's
/// roles allow (the intersection, as Docker's token servers do).</item>
/// <item><c>POST /openshift/login</c>: Basic user and password; mints an access token (what <c>oc whoami -t</c>
/// prints), valid for <c>auth.openshift.accesstokenlifetime</c> or the shorter <c>expires_in</c> query value.</item>
/// <item><c>GET /openshift/whoami</c>: the caller and their roles.</item>
/// <item><c>GET /openshift/tokens</c>: the caller's access tokens (ids and dates, never secrets);
/// <c>DELETE /openshift/tokens/&lt;id&gt;</c> revokes one of them (a cluster administrator: anyone's).</item>
/// </list>
/// </summary>
internal sealed partial class AccessEndpoints(
    AccessSettings settings,
    CallerResolver resolver,
    AccessPolicy policy,
    AccessChallenge challenge,
    AccessTokenService accessTokens,
    RegistryTokenService registryTokens,
    IAccessStore store,
    IApiAccess api,
    ILogger<AccessEndpoints> logger)
{
    private static readonly string[] AllRepositoryActions = ["pull", "push", "delete"];

    public Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var path = context.Request.Path.Value ?? string.Empty;
        var method = context.Request.Method;
        return path switch
        {
            "/token" when HttpMethods.IsGet(method) => TokenAsync(context, cancellationToken),
            "/login" when HttpMethods.IsPost(method) => LoginAsync(context, cancellationToken),
            "/whoami" when HttpMethods.IsGet(method) => WhoAmIAsync(context, cancellationToken),
            "/tokens" when HttpMethods.IsGet(method) => ListTokensAsync(context, cancellationToken),
            _ when path.StartsWith("/tokens/", StringComparison.Ordinal) && HttpMethods.IsDelete(method) => RevokeAsync(context, path["/tokens/".Length..], cancellationToken),
            "/token" or "/login" or "/whoami" or "/tokens" => throw new RegistryException(ErrorCode.Unsupported, $"{method} is not supported here"),
            _ => throw new RegistryException(ErrorCode.NotFound, "no such endpoint"),
        };
    }

    private async Task TokenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = await resolver.ResolveAsync(context, CredentialUse.Login, cancellationToken)
            ?? throw challenge.Basic(context, "invalid credentials");
        if (!caller.IsAnonymous && !caller.MayUseRegistry)
        {
            Log.TokenDenied(logger, caller.User!);
            throw new RegistryException(ErrorCode.Denied, $"{caller.User} does not have the {Roles.Registry} role", new { role = Roles.Registry });
        }

        var granted = new List<TokenAccess>();
        foreach (var scope in TokenScope.ParseAll(context.Request.Query["scope"]))
        {
            if (await GrantAsync(caller, scope, cancellationToken) is { } access)
            {
                granted.Add(access);
            }
        }

        var service = context.Request.Query["service"].ToString();
        if (service.Length == 0)
        {
            service = challenge.RealmAndService(context.Request).Service;
        }

        var lifetime = settings.Auth.TokenLifetime;
        var (token, issuedAt) = registryTokens.Issue(caller.User ?? string.Empty, service, granted, lifetime, caller.AccessTokenId);
        Log.TokenIssued(logger, caller.User ?? "(anonymous)", string.Join(' ', granted.Select(g => $"{g.Type}:{g.Name}:{string.Join(',', g.Actions)}")));
        await JsonResponse.WriteAsync(
            context,
            StatusCodes.Status200OK,
            new
            {
                token,
                access_token = token,
                expires_in = (long)lifetime.TotalSeconds,
                issued_at = issuedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
            cancellationToken);
    }

    /// <summary>The part of <paramref name="scope"/> the caller may have, or null when nothing of it.</summary>
    private async ValueTask<TokenAccess?> GrantAsync(Caller caller, TokenScope scope, CancellationToken cancellationToken)
    {
        if (scope.Type == TokenScope.RegistryType)
        {
            return scope.Name == TokenScope.CatalogName && !caller.IsAnonymous && scope.Actions.Contains("*")
                ? new TokenAccess(TokenScope.RegistryType, TokenScope.CatalogName, ["*"])
                : null;
        }

        if (scope.Type != TokenScope.RepositoryType || !RepositoryName.IsValid(scope.Name))
        {
            return null;
        }

        var permissions = await policy.RepositoryPermissionsAsync(caller, scope.Name, cancellationToken);
        var requested = scope.Actions.Contains("*") ? AllRepositoryActions : scope.Actions;
        var actions = requested.Where(action => action switch
        {
            "pull" => (permissions & ProjectPermissions.Pull) != 0,
            "push" => (permissions & ProjectPermissions.Push) != 0,
            "delete" => (permissions & ProjectPermissions.Delete) != 0,
            _ => false,
        }).ToList();
        return actions.Count == 0 ? null : new TokenAccess(TokenScope.RepositoryType, scope.Name, actions);
    }

    private async Task LoginAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = await resolver.ResolveAsync(context, CredentialUse.Login, cancellationToken);
        if (caller is not { Kind: CallerKind.Password, User: { } user })
        {
            // Only a password mints a token: a token that could mint tokens would outlive its own expiry.
            throw challenge.Basic(context, "a user name and password are required");
        }

        var lifetime = settings.Auth.AccessTokenLifetime;
        if (context.Request.Query["expires_in"].ToString() is { Length: > 0 } requested)
        {
            if (!long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds == 0)
            {
                throw new RegistryException(ApiErrors.Invalid, "expires_in must be a positive number of seconds");
            }

            lifetime = TimeSpan.FromSeconds(Math.Min(seconds, (long)lifetime.TotalSeconds));
        }

        var (token, record) = await accessTokens.MintAsync(user, lifetime, "login", cancellationToken);
        Log.TokenMinted(logger, user, record.Id);
        await JsonResponse.WriteAsync(
            context,
            StatusCodes.Status201Created,
            new { kind = "AccessToken", token, id = record.Id, user, created = record.Created, expires = record.Expires },
            cancellationToken);
    }

    private async Task WhoAmIAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = await api.RequireUserAsync(context, cancellationToken);
        var user = caller.User!;
        var clusterRoles = await store.GetClusterRolesAsync(user, cancellationToken);
        var bindings = await store.ListProjectRoleBindingsOfUserAsync(user, cancellationToken);
        await JsonResponse.WriteAsync(
            context,
            StatusCodes.Status200OK,
            new
            {
                kind = "User",
                name = user,
                clusterRoles,
                projects = bindings.GroupBy(b => b.Project!).Select(g => new { name = g.Key, roles = g.Select(b => b.Role).ToList() }).ToList(),
            },
            cancellationToken);
    }

    private async Task ListTokensAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var caller = await api.RequireUserAsync(context, cancellationToken);
        var tokens = await store.ListAccessTokensAsync(caller.User!, cancellationToken);
        await JsonResponse.WriteAsync(
            context,
            StatusCodes.Status200OK,
            new
            {
                kind = "AccessTokenList",
                items = tokens.Select(t => new { id = t.Id, user = t.User, description = t.Description, created = t.Created, expires = t.Expires, revoked = t.Revoked }).ToList(),
            },
            cancellationToken);
    }

    private async Task RevokeAsync(HttpContext context, string id, CancellationToken cancellationToken)
    {
        var caller = await api.RequireUserAsync(context, cancellationToken);
        var record = await store.GetAccessTokenAsync(id, cancellationToken);
        // Someone else's token is "not found" to a non-administrator: its existence is not told.
        if (record is null || (record.User != caller.User && !caller.IsClusterAdmin))
        {
            throw new RegistryException(ApiErrors.NotFound, "access token not found", new { id });
        }

        await store.RevokeAccessTokenAsync(id, cancellationToken);
        Log.TokenRevoked(logger, record.User, id, caller.User ?? string.Empty);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1410, Level = LogLevel.Debug, Message = "Registry token issued to {User}: {Access}")]
        public static partial void TokenIssued(ILogger logger, string user, string access);

        [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "Registry token refused to {User}: no system:registry role")]
        public static partial void TokenDenied(ILogger logger, string user);

        [LoggerMessage(EventId = 1412, Level = LogLevel.Information, Message = "Access token {TokenId} minted for {User} at login")]
        public static partial void TokenMinted(ILogger logger, string user, string tokenId);

        [LoggerMessage(EventId = 1413, Level = LogLevel.Information, Message = "Access token {TokenId} of {User} revoked by {Actor}")]
        public static partial void TokenRevoked(ILogger logger, string user, string tokenId, string actor);
    }
}
