using System.Text.RegularExpressions;

namespace EdgeRegistry.Distribution.Names;

/// <summary>Tag rules of the OCI Distribution Spec v1.1: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.</summary>
public static partial class Tag
{
    // \z rather than $: $ also matches before a trailing newline.
    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? tag) => !string.IsNullOrEmpty(tag) && Pattern().IsMatch(tag);
}
