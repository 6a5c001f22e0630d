namespace EdgeRegistry.Origin.Access;

/// <summary>How the caller of a request proved who it is.</summary>
internal enum CallerKind
{
    /// <summary>No credentials.</summary>
    Anonymous,

    /// <summary>An access token, as the Basic password or as a Bearer token.</summary>
    AccessToken,

    /// <summary>A user name and password (accepted only by the token and login endpoints).</summary>
    Password,

    /// <summary>A short-lived registry token from the token endpoint: its claims bound what it may do.</summary>
    RegistryToken,

    /// <summary>Auth is not configured: everything is allowed, as in distribution without an auth section.</summary>
    Unrestricted,
}
