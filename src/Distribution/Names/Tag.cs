using System.Text.RegularExpressions;

namespace EdgeRegistry.Distribution.Names;

/// <summary>Tag rules of the OCI Distribution Spec v1.1: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
public static partial class Tag
{
    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? tag) => !string.IsNullOrEmpty(tag) && Pattern().IsMatch(tag);
}
