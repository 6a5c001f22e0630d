using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// <c>/apis/project.openshift.io/v1/projects</c>: <c>GET</c> lists the projects the caller may pull from
/// (all for a cluster administrator, the public ones for anybody); <c>POST</c> with
/// <c>{"metadata":{"name":"p"},"public":false}</c> creates one (cluster administrator; 409 ALREADY_EXISTS when it
/// exists); <c>GET projects/&lt;name&gt;</c> shows one (pull); <c>PATCH projects/&lt;name&gt;</c> with
/// <c>{"public":true}</c> makes it public or private (project admin).
/// </summary>
internal sealed class ProjectEndpoints(IAccessStore store, IApiAccess access, AccessPolicy policy)
{
    public const string ApiVersion = "project.openshift.io/v1";

    /// <summary>Handles <paramref name="rest"/>, the path after <c>/apis/project.openshift.io/v1/</c>.</summary>
    public async Task HandleAsync(HttpContext context, string rest, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        if (rest == "projects" && HttpMethods.IsGet(method))
        {
            var caller = await access.ResolveAsync(context, cancellationToken);
            var visible = await policy.PullableProjectsAsync(caller, cancellationToken);
            var projects = (await store.ListProjectsAsync(cancellationToken)).Where(p => visible is null || visible.Contains(p.Name));
            await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, new { kind = "ProjectList", apiVersion = ApiVersion, items = projects.Select(Render).ToList() }, cancellationToken);
            return;
        }

        if (rest == "projects" && HttpMethods.IsPost(method))
        {
            await access.RequireClusterAdminAsync(context, cancellationToken);
            var body = await JsonResponse.ReadAsync<ProjectRequest>(context, cancellationToken);
            var name = body?.Metadata?.Name;
            if (!ProjectName.IsValid(name))
            {
                throw new RegistryException(ApiErrors.Invalid, "metadata.name must be a DNS label (lower-case letters, digits, hyphens; at most 63)");
            }

            if (!await store.CreateProjectAsync(name!, body!.Public ?? false, cancellationToken))
            {
                throw new RegistryException(ApiErrors.AlreadyExists, $"project {name} already exists", new { name });
            }

            await JsonResponse.WriteAsync(context, StatusCodes.Status201Created, Render((await store.GetProjectAsync(name!, cancellationToken))!), cancellationToken);
            return;
        }

        if (rest.StartsWith("projects/", StringComparison.Ordinal) && (HttpMethods.IsGet(method) || HttpMethods.IsPatch(method)))
        {
            var name = rest["projects/".Length..];
            if (!ProjectName.IsValid(name))
            {
                throw new RegistryException(ApiErrors.NotFound, "project not found", new { name });
            }

            if (HttpMethods.IsPatch(method))
            {
                await access.RequireProjectAsync(context, name, ProjectPermissions.ManageBindings, cancellationToken);
                var body = await JsonResponse.ReadAsync<ProjectRequest>(context, cancellationToken);
                if (body?.Public is not { } isPublic)
                {
                    throw new RegistryException(ApiErrors.Invalid, "expected {\"public\":true|false}");
                }

                await store.SetProjectPublicAsync(name, isPublic, cancellationToken);
            }
            else
            {
                await access.RequireProjectAsync(context, name, ProjectPermissions.Pull, cancellationToken);
            }

            var project = await store.GetProjectAsync(name, cancellationToken)
                ?? throw new RegistryException(ApiErrors.NotFound, "project not found", new { name });
            await JsonResponse.WriteAsync(context, StatusCodes.Status200OK, Render(project), cancellationToken);
            return;
        }

        throw new RegistryException(ErrorCode.NotFound, "no such endpoint");
    }

    private static object Render(ProjectRecord project) => new
    {
        kind = "Project",
        apiVersion = ApiVersion,
        metadata = new { name = project.Name, creationTimestamp = project.Created },
        @public = project.Public,
    };

    private sealed record ProjectRequest(ProjectMeta? Metadata, bool? Public);

    private sealed record ProjectMeta(string? Name);
}
