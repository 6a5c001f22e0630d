namespace EdgeRegistry.Origin.Access;

/// <summary>Which credentials an endpoint accepts.</summary>
internal enum CredentialUse
{
    /// <summary><c>/v2</c>: access tokens (Basic password or Bearer) and registry tokens (Bearer).</summary>
    Registry,

    /// <summary>The image stream, project and account APIs: access tokens only (a registry token is scoped to repositories).</summary>
    Api,

    /// <summary>The token and login endpoints: a user name and password, or an access token as the password.</summary>
    Login,
}
