namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Decides who may do what to which repository. Called by the /v2 endpoints before any work. Throws
/// <see cref="Distribution.Errors.RegistryException"/> with UNAUTHORIZED (no or bad credentials; a
/// challenge goes in <c>HttpContext.Items</c>) or DENIED (known caller, no right).
/// </summary>
internal interface IAccessGate
{
    /// <summary>May the caller reach the API at all (<c>GET /v2/</c>)?</summary>
    ValueTask AuthenticateAsync(HttpContext context, CancellationToken cancellationToken);

    /// <summary>May the caller do <paramref name="action"/> to <paramref name="repository"/>?</summary>
    ValueTask AuthorizeAsync(HttpContext context, string repository, RegistryAction action, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="repositories"/> may the caller see in the catalog?</summary>
    ValueTask<IReadOnlyList<string>> FilterVisibleAsync(HttpContext context, IReadOnlyList<string> repositories, CancellationToken cancellationToken);
}
