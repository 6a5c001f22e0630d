namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// One item of a <c>middleware.registry</c>, <c>middleware.repository</c> or <c>middleware.storage</c> list:
/// <c>name</c>, <c>disabled</c> and its <c>options</c> as plain values (scalars as text, lists, mappings).
/// The options of the middleware we implement are also bound to typed records on <see cref="MiddlewareOptions"/>.
/// </summary>
internal sealed record MiddlewareEntry
{
    public required string Name { get; init; }

    public bool Disabled { get; init; }

    public IReadOnlyDictionary<string, object?> Options { get; init; } = new Dictionary<string, object?>();
}
