using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.ImageStreams;

namespace EdgeRegistry.Origin.Cli;

/// <summary><c>tag</c> and <c>import-image</c>: tags pointed at local images or imported from registries.</summary>
internal sealed partial class AdminCommand
{
    private async Task TagAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var project = args.Option("namespace") is { } n ? Project(n) : null;
        var sourceText = args.Word(1, "SOURCE");
        var destination = ImageStreamReference.Parse(args.Word(2, "DEST"), project);
        args.NoMoreThan(3);
        if (destination.Reference.Tag is not { } tag)
        {
            throw new AdminUsageException("DEST must be a tag (stream:tag), not a digest");
        }

        if (IsRemote(sourceText))
        {
            await ImportAsync(RemoteImage(sourceText, requireRegistry: true), destination.Repository, tag, cancellationToken);
            return;
        }

        var source = ImageStreamReference.Parse(sourceText, project);
        var digest = await _streams.TagAsync(source, destination.Repository, tag, cancellationToken);
        await _output.WriteLineAsync($"Tag {destination} set to {source.Repository}@{digest}.");
    }

    private async Task ImportImageAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var project = args.Option("namespace") is { } n ? Project(n) : null;
        var nameText = args.Word(1, "NAME");
        args.NoMoreThan(2);
        var source = RemoteImage(args.Option("from") ?? throw new AdminUsageException("give the image to import with --from registry/repository[:tag]"));
        var name = ImageStreamReference.Parse(nameText, project);
        if (name.Reference.Tag is null)
        {
            throw new AdminUsageException("NAME must be a stream or stream:tag, not a digest");
        }

        // A tag written in NAME wins; else the source's own tag names the stream's tag (oc import-image does the same).
        var explicitTag = nameText.LastIndexOf(':') > nameText.LastIndexOf('/');
        if (!args.Flag("--all"))
        {
            await ImportAsync(source, name.Repository, explicitTag ? name.Reference.Tag : source.Tag ?? ImageReference.DefaultTag, cancellationToken);
            return;
        }

        if (explicitTag || source.Tag is not null || source.Digest is not null)
        {
            throw new AdminUsageException("with --all, NAME is a stream and --from a repository (every tag is imported under its own name)");
        }

        var tags = await _importer.ListTagsAsync(source, cancellationToken);
        if (tags.Count == 0)
        {
            throw new AdminFailureException($"{source.Registry}/{source.Repository} has no tags");
        }

        var failed = 0;
        foreach (var tag in tags)
        {
            try
            {
                await ImportAsync(source with { Tag = tag }, name.Repository, tag, cancellationToken);
            }
            catch (RegistryException exception)
            {
                failed++;
                await _error.WriteLineAsync($"error: {source.Registry}/{source.Repository}:{tag}: {exception.Message}");
            }
        }

        if (failed > 0)
        {
            throw new AdminFailureException($"{failed} of {tags.Count} tags could not be imported");
        }
    }

    private async Task ImportAsync(ImageReference source, string repository, string tag, CancellationToken cancellationToken)
    {
        var image = await _importer.ImportAsync(source, repository, tag, cancellationToken);
        await _output.WriteLineAsync(
            $"Tag {repository}:{tag} set to {image.DockerImageReference} (imported {image.Manifests} manifest(s); {image.Blobs} blob(s) are pulled through on first use).");
    }

    /// <summary>
    /// True when <paramref name="text"/> names an image on a registry: its first component is a host (has a dot or
    /// a port, or is localhost), which a project name never is.
    /// </summary>
    private static bool IsRemote(string text)
    {
        var slash = text.IndexOf('/');
        var first = slash > 0 ? text[..slash] : string.Empty;
        return first.Contains('.') || first.Contains(':') || first == "localhost";
    }

    /// <summary>
    /// <paramref name="text"/> as an image on a registry; a name without a registry (<c>busybox</c>) is Docker Hub's,
    /// as for docker pull, unless <paramref name="requireRegistry"/> (tag's SOURCE, where such a name is a stream).
    /// </summary>
    private static ImageReference RemoteImage(string text, bool requireRegistry = false) =>
        (!requireRegistry || IsRemote(text)) && ImageReference.TryParse(text, out var reference)
            ? reference
            : throw new AdminUsageException($"\"{text}\" is not an image on a registry (registry.example.com/repository[:tag|@digest], docker.io/library/busybox:latest)");
}
