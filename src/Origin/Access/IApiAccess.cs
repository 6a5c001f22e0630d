namespace EdgeRegistry.Origin.Access;

/// <summary>Who calls the image stream, project and account APIs, and what they may do.</summary>
internal interface IApiAccess
{
    /// <summary>
    /// The caller of an API request: anonymous without credentials; 401 UNAUTHORIZED with a Basic challenge when
    /// credentials were presented and are not valid. With auth off, <see cref="Caller.Unrestricted"/>.
    /// </summary>
    ValueTask<Caller> ResolveAsync(HttpContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Requires <paramref name="needed"/> in <paramref name="project"/>: 401 with a challenge for an anonymous
    /// caller, 403 DENIED for a user without it (also when the project does not exist, which is not told).
    /// </summary>
    ValueTask<Caller> RequireProjectAsync(HttpContext context, string project, ProjectPermissions needed, CancellationToken cancellationToken);

    /// <summary>Requires a cluster administrator: 401 for an anonymous caller, 403 DENIED for anyone else.</summary>
    ValueTask<Caller> RequireClusterAdminAsync(HttpContext context, CancellationToken cancellationToken);

    /// <summary>Requires a signed-in user (any roles): 401 for an anonymous caller.</summary>
    ValueTask<Caller> RequireUserAsync(HttpContext context, CancellationToken cancellationToken);
}
