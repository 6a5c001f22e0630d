using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Decides what a caller may do, from the current role bindings (read on every call, so a change made by the
/// command line holds at once). A repository belongs to the project named by its first path component; a
/// repository without one (<c>busybox</c>) belongs to none and only a cluster administrator may use it.
/// </summary>
internal sealed class AccessPolicy(IAccessStore store)
{
    /// <summary>The project of a repository name, or null for a one-component name.</summary>
    public static string? ProjectOf(string repository)
    {
        var slash = repository.IndexOf('/');
        return slash > 0 ? repository[..slash] : null;
    }

    /// <summary>What the caller may do to <paramref name="repository"/>.</summary>
    public ValueTask<ProjectPermissions> RepositoryPermissionsAsync(Caller caller, string repository, CancellationToken cancellationToken)
    {
        if (caller.IsClusterAdmin)
        {
            return ValueTask.FromResult(ProjectPermissions.All);
        }

        return ProjectOf(repository) is { } project
            ? ProjectPermissionsAsync(caller, project, cancellationToken)
            : ValueTask.FromResult(ProjectPermissions.None);
    }

    /// <summary>
    /// What the caller may do in <paramref name="project"/>: everything for a cluster administrator; nothing for
    /// a user without <c>system:registry</c> or in a project that does not exist; otherwise the union of the
    /// caller's roles there, plus pull when the project is public (anonymous callers included).
    /// </summary>
    public async ValueTask<ProjectPermissions> ProjectPermissionsAsync(Caller caller, string project, CancellationToken cancellationToken)
    {
        if (caller.IsClusterAdmin)
        {
            return ProjectPermissions.All;
        }

        if (!caller.IsAnonymous && !caller.MayUseRegistry)
        {
            return ProjectPermissions.None;
        }

        var access = await store.GetProjectAccessAsync(project, caller.User, cancellationToken);
        if (access is null)
        {
            return ProjectPermissions.None;
        }

        var permissions = Roles.PermissionsOf(access.Roles);
        return access.Public ? permissions | ProjectPermissions.Pull : permissions;
    }

    /// <summary>The projects whose repositories the caller may pull from; null means all of them (cluster administrator).</summary>
    public async ValueTask<IReadOnlySet<string>?> PullableProjectsAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.IsClusterAdmin)
        {
            return null;
        }

        var projects = new HashSet<string>(StringComparer.Ordinal);
        if (!caller.IsAnonymous && !caller.MayUseRegistry)
        {
            return projects;
        }

        foreach (var project in await store.ListProjectsAsync(cancellationToken))
        {
            if (project.Public)
            {
                projects.Add(project.Name);
            }
        }

        if (caller.User is { } user)
        {
            foreach (var binding in await store.ListProjectRoleBindingsOfUserAsync(user, cancellationToken))
            {
                if ((Roles.PermissionsOf(binding.Role) & ProjectPermissions.Pull) != 0)
                {
                    projects.Add(binding.Project!);
                }
            }
        }

        return projects;
    }
}
