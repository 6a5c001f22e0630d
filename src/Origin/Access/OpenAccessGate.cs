namespace EdgeRegistry.Origin.Access;

/// <summary>No auth configured: distribution's behaviour, everybody may do everything.</summary>
internal sealed class OpenAccessGate : IAccessGate
{
    public ValueTask AuthenticateAsync(HttpContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AuthorizeAsync(HttpContext context, string repository, RegistryAction action, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<IReadOnlyList<string>> FilterVisibleAsync(HttpContext context, IReadOnlyList<string> repositories, CancellationToken cancellationToken) =>
        ValueTask.FromResult(repositories);
}
