using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Origin.Access;

namespace EdgeRegistry.Origin.ImageStreams;

/// <summary>
/// The one entry of <c>/apis</c>: routes <c>image.openshift.io/v1/namespaces/&lt;p&gt;/...</c>,
/// <c>authorization.openshift.io/v1/namespaces/&lt;p&gt;/...</c> and <c>project.openshift.io/v1/...</c> to their
/// endpoints. A project that is not a valid name is refused with 404 before any access check.
/// </summary>
internal sealed class OpenShiftApi(ImageStreamEndpoints imageStreams, ProjectEndpoints projects, RoleBindingEndpoints roleBindings)
{
    public Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var path = (context.Request.Path.Value ?? string.Empty).TrimStart('/');
        if (path.StartsWith(ProjectEndpoints.ApiVersion + "/", StringComparison.Ordinal))
        {
            return projects.HandleAsync(context, path[(ProjectEndpoints.ApiVersion.Length + 1)..], cancellationToken);
        }

        foreach (var (version, handler) in new (string, Func<HttpContext, string, string, CancellationToken, Task>)[]
        {
            (ImageStreamEndpoints.ApiVersion, imageStreams.HandleAsync),
            (RoleBindingEndpoints.ApiVersion, roleBindings.HandleAsync),
        })
        {
            var prefix = version + "/namespaces/";
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = path[prefix.Length..];
            var slash = rest.IndexOf('/');
            var project = slash < 0 ? rest : rest[..slash];
            if (slash < 0 || !ProjectName.IsValid(project))
            {
                break;
            }

            return handler(context, project, rest[(slash + 1)..], cancellationToken);
        }

        throw new RegistryException(ErrorCode.NotFound, "no such endpoint");
    }
}
