using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// <c>/apis/authorization.openshift.io/v1/namespaces/&lt;project&gt;/rolebindings</c>, for project admins:
/// <c>GET</c> lists the project's bindings grouped by role; <c>POST</c> with
/// <c>{"roleRef":{"name":"registry-viewer"},"subjects":[{"kind":"User","name":"alice"}]}</c> gives the role
/// (<c>oc policy add-role-to-user</c>); <c>DELETE rolebindings/&lt;role&gt;/&lt;user&gt;</c> takes it away.
/// </summary>
internal sealed class RoleBindingEndpoints(IAccessStore store, IApiAccess access)
{
    public const string ApiVersion = "authorization.openshift.io/v1";

    public async Task HandleAsync(HttpContext context, string project, string rest, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        if (rest == "rolebindings" && HttpMethods.IsGet(method))
        {
            await access.RequireProjectAsync(context, project, ProjectPermissions.ManageBindings, cancellationToken);
            await WriteListAsync(context, project, StatusCodes.Status200OK, cancellationToken);
            return;
        }

        if (rest == "rolebindings" && HttpMethods.IsPost(method))
        {
            await access.RequireProjectAsync(context, project, ProjectPermissions.ManageBindings, cancellationToken);
            var body = await JsonResponse.ReadAsync<BindingRequest>(context, cancellationToken);
            var role = body?.RoleRef?.Name;
            if (role is null || !Roles.IsProjectRole(role))
            {
                throw new RegistryException(ApiErrors.Invalid, $"roleRef.name must be one of {string.Join(", ", Roles.ProjectRoles)}");
            }

            var subjects = body!.Subjects ?? [];
            if (subjects.Count == 0 || subjects.Any(s => s.Kind is not (null or "User") || !UserName.IsValid(s.Name)))
            {
                throw new RegistryException(ApiErrors.Invalid, "subjects must be users with valid names");
            }

            foreach (var subject in subjects)
            {
                await store.AddProjectRoleAsync(project, subject.Name!, role, cancellationToken);
            }

            await WriteListAsync(context, project, StatusCodes.Status201Created, cancellationToken);
            return;
        }

        if (rest.StartsWith("rolebindings/", StringComparison.Ordinal) && HttpMethods.IsDelete(method))
        {
            await access.RequireProjectAsync(context, project, ProjectPermissions.ManageBindings, cancellationToken);
            var parts = rest["rolebindings/".Length..].Split('/');
            if (parts.Length != 2 || !await store.RemoveProjectRoleAsync(project, parts[1], parts[0], cancellationToken))
            {
                throw new RegistryException(ApiErrors.NotFound, "role binding not found");
            }

            await WriteListAsync(context, project, StatusCodes.Status200OK, cancellationToken);
            return;
        }

        throw new RegistryException(ErrorCode.NotFound, "no such endpoint");
    }

    private async Task WriteListAsync(HttpContext context, string project, int status, CancellationToken cancellationToken)
    {
        var bindings = await store.ListProjectRoleBindingsAsync(project, cancellationToken);
        var items = bindings.GroupBy(b => b.Role).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new
        {
            kind = "RoleBinding",
            apiVersion = ApiVersion,
            metadata = new { name = g.Key, @namespace = project },
            roleRef = new { name = g.Key },
            subjects = g.Select(b => new { kind = "User", name = b.User }).ToList(),
        }).ToList();
        await JsonResponse.WriteAsync(context, status, new { kind = "RoleBindingList", apiVersion = ApiVersion, items }, cancellationToken);
    }

    private sealed record BindingRequest(RoleRef? RoleRef, IReadOnlyList<Subject>? Subjects);

    private sealed record RoleRef(string? Name);

    private sealed record Subject(string? Kind, string? Name);
}
