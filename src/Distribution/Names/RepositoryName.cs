using System.Text.RegularExpressions;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Names;

/// <summary>
/// Repository name rules of the OCI Distribution Spec v1.1 ("Pulling manifests"): path components of
/// <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*</c> separated by <c>/</c>, at most 255 characters in all.
/// </summary>
public static partial class RepositoryName
{
    public const int MaxLength = 255;

    // \z rather than $: $ also matches before a trailing newline, which would let "busybox\n" through.
    [GeneratedRegex("^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && Pattern().IsMatch(name);

    /// <summary>Throws NAME_INVALID when <paramref name="name"/> breaks the rules.</summary>
    public static string Validate(string? name)
    {
        if (IsValid(name))
        {
            return name!;
        }

        var reason = name is { Length: > MaxLength }
            ? $"repository name must not be longer than {MaxLength} characters"
            : "repository name must match [a-z0-9]+((.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((.|_|__|-+)[a-z0-9]+)*)*";
        throw new RegistryException(ErrorCode.NameInvalid, reason, new { name = name is { Length: > 300 } ? name[..300] : name });
    }

    /// <summary>The first path component: the project (OpenShift namespace) of <c>openshift/busybox</c> is <c>openshift</c>.</summary>
    public static string Project(string name)
    {
        var slash = name.IndexOf('/');
        return slash < 0 ? name : name[..slash];
    }
}
