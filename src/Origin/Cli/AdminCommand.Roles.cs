using EdgeRegistry.Origin.Access;

namespace EdgeRegistry.Origin.Cli;

/// <summary><c>policy</c>: project and cluster role bindings of users.</summary>
internal sealed partial class AdminCommand
{
    private async Task PolicyAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var verb = args.Word(1, "policy verb (add-role-to-user, remove-role-from-user, add-cluster-role-to-user, remove-cluster-role-from-user)");
        var role = args.Word(2, "ROLE");
        var user = User(args.Word(3, "USER"));
        args.NoMoreThan(4);
        var project = args.Option("namespace");
        switch (verb)
        {
            // The seed's own example binds system:registry with add-role-to-user and no project: that is a cluster binding.
            case "add-role-to-user" when project is null && Roles.IsClusterRole(role):
            case "add-cluster-role-to-user":
                RequireClusterRole(role, project);
                await _store.AddClusterRoleAsync(user, role, cancellationToken);
                await _output.WriteLineAsync($"cluster role \"{role}\" added: \"{user}\"");
                break;
            case "remove-role-from-user" when project is null && Roles.IsClusterRole(role):
            case "remove-cluster-role-from-user":
                RequireClusterRole(role, project);
                await _output.WriteLineAsync(await _store.RemoveClusterRoleAsync(user, role, cancellationToken)
                    ? $"cluster role \"{role}\" removed: \"{user}\""
                    : $"\"{user}\" did not have cluster role \"{role}\"");
                break;
            case "add-role-to-user":
                project = RequireProjectRole(role, project);
                try
                {
                    await _store.AddProjectRoleAsync(project, user, role, cancellationToken);
                }
                catch (KeyNotFoundException)
                {
                    throw new AdminFailureException($"project \"{project}\" not found");
                }

                await _output.WriteLineAsync($"role \"{role}\" added: \"{user}\" in project \"{project}\"");
                break;
            case "remove-role-from-user":
                project = RequireProjectRole(role, project);
                await _output.WriteLineAsync(await _store.RemoveProjectRoleAsync(project, user, role, cancellationToken)
                    ? $"role \"{role}\" removed: \"{user}\" in project \"{project}\""
                    : $"\"{user}\" did not have role \"{role}\" in project \"{project}\"");
                break;
            default:
                throw new AdminUsageException($"unknown policy verb {verb}");
        }

        if (verb.StartsWith("add", StringComparison.Ordinal) && !await _users.ExistsAsync(user, cancellationToken))
        {
            await _error.WriteLineAsync($"warning: no user \"{user}\" exists yet; the role applies once it does");
        }
    }

    private static void RequireClusterRole(string role, string? project)
    {
        if (!Roles.IsClusterRole(role))
        {
            throw new AdminUsageException($"{role} is not a cluster role ({string.Join(", ", Roles.ClusterRoles)})");
        }

        if (project is not null)
        {
            throw new AdminUsageException($"{role} is a cluster role: it takes no -n");
        }
    }

    private static string RequireProjectRole(string role, string? project)
    {
        if (!Roles.IsProjectRole(role))
        {
            throw new AdminUsageException($"{role} is not a project role ({string.Join(", ", Roles.ProjectRoles)})");
        }

        return Project(project ?? throw new AdminUsageException($"{role} is a project role: give the project with -n PROJECT"));
    }
}
