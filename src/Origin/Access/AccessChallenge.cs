using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Api;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Builds the 401 answers: the <c>WWW-Authenticate</c> challenge (left in <c>HttpContext.Items</c> for
/// <see cref="RegistryErrorMiddleware"/>) and the UNAUTHORIZED exception that goes with it.
/// </summary>
internal sealed class AccessChallenge(AccessSettings settings)
{
    /// <summary>
    /// The challenge of <c>/v2</c>: <c>Bearer realm="&lt;origin&gt;/openshift/token",service="&lt;host&gt;"</c>
    /// with the scope the request needs and <c>error="insufficient_scope"</c> when a token lacked it (Docker token
    /// protocol); or <c>Basic realm="openshift"</c> when <c>auth.openshift.challenge</c> is basic.
    /// </summary>
    public RegistryException Registry(HttpContext context, string? scope, bool insufficientScope, string message)
    {
        if (settings.Auth.BasicChallenge)
        {
            return Basic(context, message);
        }

        var (realm, service) = RealmAndService(context.Request);
        var challenge = $"Bearer realm=\"{realm}\",service=\"{service}\"";
        if (scope is not null)
        {
            challenge += $",scope=\"{scope}\"";
        }

        if (insufficientScope)
        {
            challenge += ",error=\"insufficient_scope\"";
        }

        context.Items[RegistryHeaders.ChallengeItem] = challenge;
        return new RegistryException(ErrorCode.Unauthorized, message);
    }

    /// <summary>The challenge of the token, login and API endpoints, which take Basic credentials: <c>Basic realm="openshift"</c>.</summary>
    public RegistryException Basic(HttpContext context, string message)
    {
        context.Items[RegistryHeaders.ChallengeItem] = $"Basic realm=\"{settings.Auth.Realm}\"";
        return new RegistryException(ErrorCode.Unauthorized, message);
    }

    /// <summary>
    /// The token endpoint's URL and the service name: <c>auth.openshift.tokenrealm</c> when set, else
    /// <c>http.host</c>, else the request's own scheme and host, plus <see cref="AccessSettings.TokenPath"/>.
    /// </summary>
    public (string Realm, string Service) RealmAndService(HttpRequest request)
    {
        if (settings.Auth.TokenRealm is { } configured)
        {
            return (configured.ToString().TrimEnd('/'), configured.Authority);
        }

        if (settings.ExternalHost is { } external)
        {
            return (external.GetLeftPart(UriPartial.Authority) + AccessSettings.TokenPath, external.Authority);
        }

        // Host is what the client connected to; a quote in it could break out of the header's quoted string.
        var host = request.Host.HasValue ? request.Host.Value.Replace("\"", string.Empty, StringComparison.Ordinal) : "localhost";
        return ($"{request.Scheme}://{host}{AccessSettings.TokenPath}", host);
    }
}
