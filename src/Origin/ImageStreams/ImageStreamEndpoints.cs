using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Names;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Api;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// <c>/apis/image.openshift.io/v1/namespaces/&lt;project&gt;/...</c>, in the shape of OpenShift's API:
/// <list type="bullet">
/// <item><c>GET imagestreams</c> (ImageStreamList) and <c>GET imagestreams/&lt;name&gt;</c> (ImageStream with
/// <c>status.dockerImageRepository</c> and <c>status.tags[].items[]</c>: created, dockerImageReference, image): pull.</item>
/// <item><c>GET imagestreamtags/&lt;name&gt;:&lt;tag&gt;</c>: pull.</item>
/// <item><c>POST imagestreamtags</c> with <c>{"metadata":{"name":"stream:tag"},"tag":{"from":{"kind":"ImageStreamTag"
/// or "ImageStreamImage","namespace":"src","name":"stream:tag" or "stream@sha256:..."}}}</c>: tags across streams
/// (<c>oc tag</c>); push in this project and pull in the source's.</item>
/// <item><c>DELETE imagestreamtags/&lt;name&gt;:&lt;tag&gt;</c>: delete.</item>
/// <item><c>POST imagestreamimports</c>, and <c>POST imagestreamtags</c> from a <c>DockerImage</c>: imports from remote
/// registries (<see cref="ImageStreamImportEndpoints"/>); 405 UNSUPPORTED when this process has no upstream clients.</item>
/// </list>
/// Tagging and deleting obey <c>storage.maintenance.readonly</c> and <c>storage.delete.enabled</c> as <c>/v2</c> does (405 UNSUPPORTED).
/// </summary>
internal sealed class ImageStreamEndpoints(ImageStreamService streams, IApiAccess access, RegistryApiOptions options, ImageStreamImportEndpoints? imports = null)
{
    public const string ApiVersion = "image.openshift.io/v1";

    /// <summary>Handles <paramref name="rest"/>, the path after <c>namespaces/&lt;project&gt;/</c>.</summary>
    public async Task HandleAsync(HttpContext context, string project, string rest, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        if ((HttpMethods.IsPost(method) || HttpMethods.IsDelete(method)) && options.ReadOnly)
        {
            throw new RegistryException(ErrorCode.Unsupported, "the registry is in read-only mode");
        }

        if (HttpMethods.IsDelete(method) && !options.DeleteEnabled)
        {
            throw new RegistryException(ErrorCode.Unsupported, "deletes are disabled (storage.delete.enabled is false)");
        }

        switch (rest)
        {
            case "imagestreams" when HttpMethods.IsGet(method):
                await access.RequireProjectAsync(context, project, ProjectPermissions.Pull, cancellationToken);
                var list = await streams.ListAsync(project, cancellationToken);
                await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, new { kind = "ImageStreamList", apiVersion = ApiVersion, items = list.Select(Render).ToList() }, cancellationToken);
                return;
            case "imagestreamtags" when HttpMethods.IsPost(method):
                await TagAsync(context, project, cancellationToken);
                return;
            case "imagestreamimports" when HttpMethods.IsPost(method):
                await Imports().ImportAsync(context, project, cancellationToken);
                return;
        }

        if (rest.StartsWith("imagestreams/", StringComparison.Ordinal) && HttpMethods.IsGet(method))
        {
            await access.RequireProjectAsync(context, project, ProjectPermissions.Pull, cancellationToken);
            var name = rest["imagestreams/".Length..];
            var stream = RepositoryName.IsValid($"{project}/{name}") ? await streams.GetAsync($"{project}/{name}", cancellationToken) : null;
            if (stream is null)
            {
                throw new RegistryException(ApiErrors.NotFound, $"image stream {project}/{name} not found", new { name });
            }

            await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, Render(stream), cancellationToken);
            return;
        }

        if (rest.StartsWith("imagestreamtags/", StringComparison.Ordinal) && (HttpMethods.IsGet(method) || HttpMethods.IsDelete(method)))
        {
            var (repository, tag) = ParseStreamTag(project, rest["imagestreamtags/".Length..]);
            if (HttpMethods.IsDelete(method))
            {
                await access.RequireProjectAsync(context, project, ProjectPermissions.Delete, cancellationToken);
                await streams.DeleteTagAsync(repository, tag, cancellationToken);
                await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, new { kind = "Status", apiVersion = "v1", status = "Success" }, cancellationToken);
                return;
            }

            await access.RequireProjectAsync(context, project, ProjectPermissions.Pull, cancellationToken);
            var stream = await streams.GetAsync(repository, cancellationToken);
            var status = stream?.Tags.FirstOrDefault(t => t.Tag == tag)
                ?? throw new RegistryException(ApiErrors.NotFound, $"image stream tag {repository}:{tag} not found", new { name = $"{repository}:{tag}" });
            await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, RenderTag(project, stream!.Name, status), cancellationToken);
            return;
        }

        throw new RegistryException(ErrorCode.NotFound, "no such endpoint");
    }

    private async Task TagAsync(HttpContext context, string project, CancellationToken cancellationToken)
    {
        var body = await JsonResponse.ReadAsync<TagRequest>(context, cancellationToken);
        if (body?.Metadata?.Name is not { } destinationName || body.Tag?.From is not { Name: { } fromName } from)
        {
            throw new RegistryException(ApiErrors.Invalid, "expected {\"metadata\":{\"name\":\"stream:tag\"},\"tag\":{\"from\":{\"kind\":...,\"namespace\":...,\"name\":...}}}");
        }

        if (from.Kind is not (null or "ImageStreamTag" or "ImageStreamImage" or "DockerImage"))
        {
            throw new RegistryException(ApiErrors.Invalid, "tag.from.kind must be ImageStreamTag, ImageStreamImage or DockerImage");
        }

        var (destination, destinationTag) = ParseStreamTag(project, destinationName);
        if (from.Kind == "DockerImage")
        {
            await Imports().TagAsync(context, project, destination, destinationTag, fromName, cancellationToken);
            return;
        }

        var sourceProject = from.Namespace ?? project;
        if (!ProjectName.IsValid(sourceProject))
        {
            throw new RegistryException(ApiErrors.Invalid, "tag.from.namespace is not a valid project name");
        }

        var source = ImageStreamReference.Parse($"{sourceProject}/{fromName}", null);
        await access.RequireProjectAsync(context, source.Project, ProjectPermissions.Pull, cancellationToken);
        await access.RequireProjectAsync(context, project, ProjectPermissions.Push, cancellationToken);
        await streams.TagAsync(source, destination, destinationTag, cancellationToken);
        var stream = await streams.GetAsync(destination, cancellationToken);
        await JsonResponse.WriteAsync(context, StatusCodes.Status201Created, RenderTag(project, stream!.Name, stream.Tags.First(t => t.Tag == destinationTag)), cancellationToken);
    }

    /// <summary>Splits <c>stream:tag</c> into the repository <c>project/stream</c> and the tag; INVALID when either is not valid.</summary>
    private static (string Repository, string Tag) ParseStreamTag(string project, string name)
    {
        var colon = name.LastIndexOf(':');
        if (colon <= 0 || !Tag.IsValid(name[(colon + 1)..]) || !RepositoryName.IsValid($"{project}/{name[..colon]}"))
        {
            throw new RegistryException(ApiErrors.Invalid, $"{name}: expected <stream>:<tag>", new { name });
        }

        return ($"{project}/{name[..colon]}", name[(colon + 1)..]);
    }

    private ImageStreamImportEndpoints Imports() =>
        imports ?? throw new RegistryException(ErrorCode.Unsupported, "imports from remote registries are not available in this process");

    /// <summary>An ImageStream object as OpenShift's API renders it.</summary>
    internal static object Render(ImageStream stream) => new
    {
        kind = "ImageStream",
        apiVersion = ApiVersion,
        metadata = new { name = stream.Name, @namespace = stream.Project },
        spec = new { },
        status = new
        {
            dockerImageRepository = stream.DockerImageRepository,
            tags = stream.Tags.Select(tag => new { tag = tag.Tag, items = tag.Items.Select(RenderEvent).ToList() }).ToList(),
        },
    };

    /// <summary>An ImageStreamTag object as OpenShift's API renders it.</summary>
    internal static object RenderTag(string project, string stream, ImageStreamTagStatus tag) => new
    {
        kind = "ImageStreamTag",
        apiVersion = ApiVersion,
        metadata = new { name = $"{stream}:{tag.Tag}", @namespace = project },
        image = tag.Items.FirstOrDefault() is { } current ? new { metadata = new { name = current.Image }, dockerImageReference = current.DockerImageReference } : null,
        items = tag.Items.Select(RenderEvent).ToList(),
    };

    private static object RenderEvent(TagEvent item) => new { created = item.Created, dockerImageReference = item.DockerImageReference, image = item.Image };

    /// <summary>The body of <c>POST imagestreamtags</c>.</summary>
    private sealed record TagRequest(ObjectMeta? Metadata, TagReference? Tag);

    private sealed record ObjectMeta(string? Name);

    private sealed record TagReference(ObjectReference? From);

    private sealed record ObjectReference(string? Kind, string? Namespace, string? Name);
}
