using System.Diagnostics.CodeAnalysis;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>
/// A fully qualified image reference (<c>registry/repository[:tag][@digest]</c>) normalized the way the
/// docker client does it: the first path component is a registry when it contains a <c>.</c> or a
/// <c>:</c>, is <c>localhost</c>, or has upper-case letters (a repository cannot); otherwise the registry
/// is <c>docker.io</c>, where single-name repositories live under <c>library/</c>.
/// </summary>
/// <param name="Registry">The registry name, lower-case, Docker Hub's aliases folded into <c>docker.io</c>.</param>
/// <param name="Repository">The repository name inside that registry.</param>
/// <param name="Tag">The tag, or null when the reference has none.</param>
/// <param name="Digest">The digest, or null when the reference has none. When both are given the digest wins.</param>
public sealed record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    /// <summary>The tag implied by a reference that has neither tag nor digest.</summary>
    public const string DefaultTag = "latest";

    /// <summary>What to ask the registry for: the digest when there is one, else the tag, else <c>latest</c>.</summary>
    public Reference Reference => Digest is { } digest ? new Reference(null, digest) : new Reference(Tag ?? DefaultTag, null);

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? string.Empty : ":" + Tag)}{(Digest is null ? string.Empty : "@" + Digest)}";

    /// <summary>
    /// Parses <paramref name="value"/>. Throws <see cref="RegistryException"/>: DIGEST_INVALID for a malformed
    /// digest, NAME_INVALID for anything else that is malformed (registry, repository or tag).
    /// </summary>
    public static ImageReference Parse(string value)
    {
        if (TryParse(value, out var reference, out var error))
        {
            return reference;
        }

        throw error;
    }

    public static bool TryParse(string? value, [NotNullWhen(true)] out ImageReference? reference) =>
        TryParse(value, out reference, out _);

    private static bool TryParse(string? value, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out RegistryException? error)
    {
        reference = null;
        var shown = new { reference = value is { Length: > 300 } ? value[..300] : value };
        if (string.IsNullOrEmpty(value))
        {
            error = new RegistryException(ErrorCode.NameInvalid, "image reference is empty", shown);
            return false;
        }

        var name = value;
        Digest? digest = null;
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            if (!Digests.Digest.TryParse(name[(at + 1)..], out var parsed, out var reason))
            {
                error = new RegistryException(ErrorCode.DigestInvalid, reason, shown);
                return false;
            }

            digest = parsed;
            name = name[..at];
        }

        string? tag = null;
        // A ':' after the last '/' starts the tag; one before it is the registry's port.
        var colon = name.IndexOf(':', name.LastIndexOf('/') + 1);
        if (colon >= 0)
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (!Names.Tag.IsValid(tag))
            {
                error = new RegistryException(ErrorCode.NameInvalid, "invalid tag in image reference", shown);
                return false;
            }
        }

        var registry = DockerHubNames.Registry;
        var repository = name;
        var slash = name.IndexOf('/');
        if (slash > 0)
        {
            var first = name[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper))
            {
                if (!RegistryHost.TrySplit(first, out var host, out var port, out var reason))
                {
                    error = new RegistryException(ErrorCode.NameInvalid, reason, shown);
                    return false;
                }

                registry = DockerHubNames.NormalizeRegistry(RegistryHost.Join(host, port));
                repository = name[(slash + 1)..];
            }
        }

        if (registry == DockerHubNames.Registry && repository.Length > 0)
        {
            repository = DockerHubNames.Normalize(repository);
        }

        if (!RepositoryName.IsValid(repository))
        {
            error = new RegistryException(ErrorCode.NameInvalid, "invalid repository name in image reference", shown);
            return false;
        }

        reference = new ImageReference(registry, repository, tag, digest);
        error = null;
        return true;
    }
}
