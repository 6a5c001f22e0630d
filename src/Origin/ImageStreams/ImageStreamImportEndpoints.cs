using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Access;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// Imports through the image stream API, in the shape of OpenShift's <c>image.openshift.io/v1</c>:
/// <list type="bullet">
/// <item><c>POST imagestreamimports</c> with <c>{"metadata":{"name":"stream"},"spec":{"import":true,"images":[{"from":
/// {"kind":"DockerImage","name":"docker.io/library/busybox:latest"},"to":{"name":"latest"}}],"repository":{"from":
/// {"kind":"DockerImage","name":"docker.io/library/busybox"}}}}</c>: imports each image (<c>to.name</c> defaults to the
/// source's tag, else <c>latest</c>) and, with <c>repository</c>, every tag of that repository under its own name.
/// Answers 201 with an ImageStreamImport whose <c>status.images[]</c> (and <c>status.repository.images[]</c>) say
/// Success or Failure per image and whose <c>status.import</c> is the image stream; when nothing could be imported,
/// the first failure's error instead (DENIED naming a registry off the allowlist, UNAVAILABLE, MANIFEST_UNKNOWN...).</item>
/// <item><c>POST imagestreamtags</c> whose <c>tag.from.kind</c> is <c>DockerImage</c> (<c>oc tag docker.io/...</c>).</item>
/// </list>
/// Both need push in the project.
/// </summary>
internal sealed class ImageStreamImportEndpoints(ImageImporter importer, ImageStreamService streams, IApiAccess access)
{
    /// <summary>Handles <c>POST imagestreamimports</c>.</summary>
    public async Task ImportAsync(HttpContext context, string project, CancellationToken cancellationToken)
    {
        var body = await JsonResponse.ReadAsync<ImportRequest>(context, cancellationToken);
        if (body?.Metadata?.Name is not { } name || body.Spec is not { } spec
            || ((spec.Images is null || spec.Images.Count == 0) && spec.Repository?.From is null))
        {
            throw new RegistryException(ApiErrors.Invalid, "expected {\"metadata\":{\"name\":\"stream\"},\"spec\":{\"import\":true,\"images\":[{\"from\":{\"kind\":\"DockerImage\",\"name\":...},\"to\":{\"name\":\"tag\"}}]}}");
        }

        if (spec.Import == false)
        {
            throw new RegistryException(ApiErrors.Invalid, "spec.import must be true: this registry does not preview imports");
        }

        var repository = $"{project}/{name}";
        if (!RepositoryName.IsValid(repository))
        {
            throw new RegistryException(ApiErrors.Invalid, $"{name}: not a valid image stream name", new { name });
        }

        // Every source is checked before anything is fetched: a typo fails the request, not half of it.
        var images = (spec.Images ?? []).Select((image, i) => (Source: Source(image.From, $"spec.images[{i}].from"), Tag: image.To?.Name)).ToList();
        foreach (var (source, tag) in images)
        {
            if (tag is not null && !Tag.IsValid(tag))
            {
                throw new RegistryException(ApiErrors.Invalid, $"{tag}: not a valid tag", new { tag });
            }
        }

        var repositorySource = spec.Repository?.From is { } from ? Source(from, "spec.repository.from") : null;
        await access.RequireProjectAsync(context, project, ProjectPermissions.Push, cancellationToken);

        var results = new List<object>();
        RegistryException? firstFailure = null;
        var succeeded = 0;
        foreach (var (source, tag) in images)
        {
            var (result, failure) = await ImportOneAsync(source, repository, tag ?? source.Tag ?? ImageReference.DefaultTag, cancellationToken);
            results.Add(result);
            firstFailure ??= failure;
            succeeded += failure is null ? 1 : 0;
        }

        object? repositoryStatus = null;
        if (repositorySource is not null)
        {
            var tagResults = new List<object>();
            RegistryException? listFailure = null;
            try
            {
                foreach (var tag in await importer.ListTagsAsync(repositorySource, cancellationToken))
                {
                    var (result, failure) = await ImportOneAsync(repositorySource with { Tag = tag, Digest = null }, repository, tag, cancellationToken);
                    tagResults.Add(result);
                    firstFailure ??= failure;
                    succeeded += failure is null ? 1 : 0;
                }
            }
            catch (RegistryException e)
            {
                listFailure = e;
                firstFailure ??= e;
            }

            repositoryStatus = new { status = StatusOf(listFailure), images = tagResults };
        }

        if (succeeded == 0)
        {
            throw firstFailure ?? new RegistryException(ErrorCode.NameUnknown, $"{repositorySource} has no tags to import");
        }

        var stream = await streams.GetAsync(repository, cancellationToken);
        await JsonResponse.WriteAsync(
            context,
            StatusCodes.Status201Created,
            new
            {
                kind = "ImageStreamImport",
                apiVersion = ImageStreamEndpoints.ApiVersion,
                metadata = new { name, @namespace = project },
                status = new { import = stream is null ? null : ImageStreamEndpoints.Render(stream), images = results, repository = repositoryStatus },
            },
            cancellationToken);
    }

    /// <summary>
    /// Handles <c>POST imagestreamtags</c> from a <c>DockerImage</c>: imports <paramref name="from"/> as
    /// <paramref name="tag"/> of <paramref name="repository"/> and answers the ImageStreamTag (201).
    /// </summary>
    public async Task TagAsync(HttpContext context, string project, string repository, string tag, string from, CancellationToken cancellationToken)
    {
        var source = Source(new ObjectReference("DockerImage", null, from), "tag.from");
        await access.RequireProjectAsync(context, project, ProjectPermissions.Push, cancellationToken);
        await importer.ImportAsync(source, repository, tag, cancellationToken);
        var stream = await streams.GetAsync(repository, cancellationToken);
        await JsonResponse.WriteAsync(context, StatusCodes.Status201Created, ImageStreamEndpoints.RenderTag(project, stream!.Name, stream.Tags.First(t => t.Tag == tag)), cancellationToken);
    }

    private async Task<(object Result, RegistryException? Failure)> ImportOneAsync(ImageReference source, string repository, string tag, CancellationToken cancellationToken)
    {
        try
        {
            var image = await importer.ImportAsync(source, repository, tag, cancellationToken);
            return (new
            {
                tag,
                status = StatusOf(null),
                image = new
                {
                    metadata = new { name = image.Digest.ToString() },
                    dockerImageReference = image.DockerImageReference,
                    dockerImageManifestMediaType = image.MediaType,
                },
            }, null);
        }
        catch (RegistryException e)
        {
            return (new { tag, status = StatusOf(e) }, e);
        }
    }

    private static object StatusOf(RegistryException? failure) => failure is null
        ? new { status = "Success" }
        : new { status = "Failure", reason = failure.Error.Code, message = failure.Message, code = (int)failure.Error.Status };

    private static ImageReference Source(ObjectReference? from, string field)
    {
        if (from?.Name is not { Length: > 0 } name)
        {
            throw new RegistryException(ApiErrors.Invalid, $"{field}.name is required");
        }

        if (from.Kind is not (null or "DockerImage"))
        {
            throw new RegistryException(ApiErrors.Invalid, $"{field}.kind must be DockerImage");
        }

        return ImageReference.TryParse(name, out var reference)
            ? reference
            : throw new RegistryException(ApiErrors.Invalid, $"{field}.name: {name} is not a valid image reference", new { name });
    }

    /// <summary>The body of <c>POST imagestreamimports</c>.</summary>
    private sealed record ImportRequest(ObjectMeta? Metadata, ImportSpec? Spec);

    private sealed record ObjectMeta(string? Name);

    private sealed record ImportSpec(bool? Import, IReadOnlyList<ImageImportSpec>? Images, RepositoryImportSpec? Repository);

    private sealed record ImageImportSpec(ObjectReference? From, LocalReference? To);

    private sealed record RepositoryImportSpec(ObjectReference? From);

    private sealed record LocalReference(string? Name);

    private sealed record ObjectReference(string? Kind, string? Namespace, string? Name);
}
