using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Origin.Access;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// A reference to an image in an image stream, as <c>oc tag</c> takes it: <c>[project/]stream:tag</c> or
/// <c>[project/]stream@sha256:...</c>. Without a project the default project applies (<c>-n</c>); without a tag, <c>latest</c>.
/// </summary>
internal sealed record ImageStreamReference(string Repository, Reference Reference)
{
    public string Project => AccessPolicy.ProjectOf(Repository)!;

    /// <summary>Parses <paramref name="text"/>; INVALID (400) when it is not a valid reference or names no project.</summary>
    public static ImageStreamReference Parse(string text, string? defaultProject)
    {
        string name;
        Reference reference;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            name = text[..at];
            if (!Digest.TryParse(text[(at + 1)..], out var digest))
            {
                throw new RegistryException(ApiErrors.Invalid, $"{text}: not a valid digest");
            }

            reference = new Reference(null, digest);
        }
        else
        {
            var colon = text.LastIndexOf(':');
            name = colon < 0 ? text : text[..colon];
            var tag = colon < 0 ? "latest" : text[(colon + 1)..];
            if (!Tag.IsValid(tag))
            {
                throw new RegistryException(ApiErrors.Invalid, $"{text}: not a valid tag");
            }

            reference = new Reference(tag, null);
        }

        if (!name.Contains('/'))
        {
            if (defaultProject is null)
            {
                throw new RegistryException(ApiErrors.Invalid, $"{text}: name the project (project/stream) or give one with -n");
            }

            name = $"{defaultProject}/{name}";
        }

        if (!RepositoryName.IsValid(name) || !ProjectName.IsValid(AccessPolicy.ProjectOf(name)))
        {
            throw new RegistryException(ApiErrors.Invalid, $"{text}: not a valid image stream name");
        }

        return new ImageStreamReference(name, reference);
    }

    public override string ToString() => Reference.IsDigest ? $"{Repository}@{Reference}" : $"{Repository}:{Reference}";
}
