namespace EdgeRegistry.Origin.Access;

/// <summary>One entry of a registry token's <c>access</c> claim: the actions granted on one resource.</summary>
internal sealed record TokenAccess(string Type, string Name, IReadOnlyList<string> Actions)
{
    /// <summary>True when the entry grants <paramref name="action"/> (or <c>*</c>) on the resource.</summary>
    public bool Grants(string type, string name, string action) =>
        string.Equals(Type, type, StringComparison.Ordinal)
        && string.Equals(Name, name, StringComparison.Ordinal)
        && (Actions.Contains(action, StringComparer.Ordinal) || Actions.Contains("*", StringComparer.Ordinal));
}
