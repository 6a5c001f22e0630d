using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Turns a request's <c>Authorization</c> header into a <see cref="Caller"/>. No header: anonymous. Basic: the
/// user name is ignored (any value, as <c>docker login -u openshift -p $(oc whoami -t)</c>; the seed, 3.3.3.2)
/// and the password must be an access token, or, where <see cref="CredentialUse.Login"/> allows it, the
/// user's password. Bearer: an access token, or a registry token where <see cref="CredentialUse.Registry"/>
/// allows it. Empty Basic credentials are anonymous. A name with a colon never logs in: Basic splits at the first colon, so the rest of the name
/// becomes part of the password, which then matches nothing. The header's content is never logged.
/// </summary>
internal sealed class CallerResolver(
    IAccessStore store,
    AccessTokenService accessTokens,
    RegistryTokenService registryTokens,
    UserDirectory users)
{
    /// <summary>The caller, or null when credentials were presented but are not valid (wrong, expired, revoked, malformed, unknown user).</summary>
    public async ValueTask<Caller?> ResolveAsync(HttpContext context, CredentialUse use, CancellationToken cancellationToken)
    {
        var key = "edgeregistry.caller." + use;
        if (context.Items.TryGetValue(key, out var cached))
        {
            return (Caller?)cached;
        }

        var caller = await ResolveCoreAsync(context.Request.Headers.Authorization.ToString(), use, cancellationToken);
        context.Items[key] = caller;
        return caller;
    }

    private async ValueTask<Caller?> ResolveCoreAsync(string header, CredentialUse use, CancellationToken cancellationToken)
    {
        if (header.Length == 0)
        {
            return Caller.Anonymous;
        }

        if (!AuthenticationHeaderValue.TryParse(header, out var parsed) || string.IsNullOrEmpty(parsed.Parameter))
        {
            return null;
        }

        if (parsed.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (DecodeBasic(parsed.Parameter) is not var (user, secret))
            {
                return null;
            }

            // Clients without credentials answer a Basic challenge with an empty name and password (skopeo does):
            // that is an anonymous caller, who may still pull from public projects.
            if (user.Length == 0 && secret.Length == 0)
            {
                return Caller.Anonymous;
            }

            if (AccessTokenService.LooksLikeToken(secret))
            {
                return await FromAccessTokenAsync(secret, cancellationToken);
            }

            return use == CredentialUse.Login && await users.VerifyPasswordAsync(user, secret, cancellationToken)
                ? await ForUserAsync(CallerKind.Password, user, null, null, cancellationToken)
                : null;
        }

        if (parsed.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            if (AccessTokenService.LooksLikeToken(parsed.Parameter))
            {
                return await FromAccessTokenAsync(parsed.Parameter, cancellationToken);
            }

            return use == CredentialUse.Registry ? await FromRegistryTokenAsync(parsed.Parameter, cancellationToken) : null;
        }

        return null;
    }

    private async ValueTask<Caller?> FromAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        var record = await accessTokens.ValidateAsync(token, cancellationToken);
        return record is null ? null : await ForUserAsync(CallerKind.AccessToken, record.User, null, record.Id, cancellationToken);
    }

    private async ValueTask<Caller?> FromRegistryTokenAsync(string token, CancellationToken cancellationToken)
    {
        var claims = registryTokens.Validate(token);
        if (claims is null)
        {
            return null;
        }

        // Revoking the access token a registry token was obtained with ends the registry token too.
        if (claims.AccessTokenId is { } id && (await store.GetAccessTokenAsync(id, cancellationToken) is not { } record || !accessTokens.IsActive(record)))
        {
            return null;
        }

        if (claims.Subject.Length == 0)
        {
            return Caller.Anonymous with { Kind = CallerKind.RegistryToken, Token = claims };
        }

        return await ForUserAsync(CallerKind.RegistryToken, claims.Subject, claims, claims.AccessTokenId, cancellationToken);
    }

    /// <summary>The caller for a user whose credentials checked out; null when the user no longer exists.</summary>
    private async ValueTask<Caller?> ForUserAsync(CallerKind kind, string user, RegistryTokenClaims? claims, string? accessTokenId, CancellationToken cancellationToken)
    {
        if (!await users.ExistsAsync(user, cancellationToken))
        {
            return null;
        }

        var roles = await store.GetClusterRolesAsync(user, cancellationToken);
        var isClusterAdmin = roles.Contains(Roles.ClusterAdmin, StringComparer.Ordinal);
        var mayUseRegistry = isClusterAdmin || roles.Contains(Roles.Registry, StringComparer.Ordinal);
        return new Caller(kind, user, mayUseRegistry, isClusterAdmin, claims, accessTokenId);
    }

    private static (string User, string Secret)? DecodeBasic(string parameter)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':');
        return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
    }
}
