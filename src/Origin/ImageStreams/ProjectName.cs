using System.Text.RegularExpressions;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// Project names are Kubernetes namespace names (DNS labels): 1 to 63 lower-case letters, digits and hyphens,
/// starting and ending with a letter or digit. Every such name is also a valid first component of a repository name.
/// </summary>
internal static partial class ProjectName
{
    public const int MaxLength = 63;

    [GeneratedRegex("^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => !string.IsNullOrEmpty(name) && name.Length <= MaxLength && Pattern().IsMatch(name);
}
