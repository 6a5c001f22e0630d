using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.ImageStreams;
using EdgeRegistry.Origin.Metadata;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Origin.Cli;

/// <summary><c>get</c>: projects, users, role bindings and image streams as tables.</summary>
internal sealed partial class AdminCommand
{
    private async Task GetAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var what = args.Word(1, "what to get (projects, users, imagestreams, rolebindings, clusterrolebindings)");
        args.NoMoreThan(2);
        switch (what)
        {
            case "projects" or "project":
                var projects = await _store.ListProjectsAsync(cancellationToken);
                await _output.WriteAsync(ImageStreamTable.FormatRows(
                    [["NAME", "PUBLIC", "CREATED"], .. projects.Select(p => new[] { p.Name, p.Public ? "true" : "false", Time(p.Created) })]));
                break;
            case "users" or "user":
                await GetUsersAsync(cancellationToken);
                break;
            case "imagestreams" or "imagestream" or "is":
                var project = Project(args.Option("namespace") ?? throw new AdminUsageException("give the project with -n PROJECT"));
                var streams = await _streams.ListAsync(project, cancellationToken);
                await _output.WriteAsync(ImageStreamTable.Format(streams, _time.GetUtcNow()));
                break;
            case "rolebindings" or "rolebinding":
                var bindingProject = Project(args.Option("namespace") ?? throw new AdminUsageException("give the project with -n PROJECT"));
                if (await _store.GetProjectAsync(bindingProject, cancellationToken) is null)
                {
                    throw new AdminFailureException($"project \"{bindingProject}\" not found");
                }

                await WriteBindingsAsync(await _store.ListProjectRoleBindingsAsync(bindingProject, cancellationToken));
                break;
            case "clusterrolebindings" or "clusterrolebinding":
                await WriteBindingsAsync(await _store.ListClusterRoleBindingsAsync(cancellationToken));
                break;
            default:
                throw new AdminUsageException($"cannot get {what}");
        }
    }

    private async Task GetUsersAsync(CancellationToken cancellationToken)
    {
        var rows = new List<string[]> { new[] { "NAME", "SOURCE", "PASSWORD", "CLUSTER ROLES" } };
        var names = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var passwords = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var user in await _store.ListUsersAsync(cancellationToken))
        {
            names[user.Name] = "admin";
            passwords[user.Name] = user.PasswordHash is not null;
        }

        if (_options.Auth?.OpenShift.Htpasswd is { } file)
        {
            foreach (var user in new HtpasswdUsers(file.Path, NullLogger<HtpasswdUsers>.Instance).Users())
            {
                names[user] = names.ContainsKey(user) ? "admin,htpasswd" : "htpasswd";
                passwords[user] = true;
            }
        }

        foreach (var (name, source) in names)
        {
            var roles = await _store.GetClusterRolesAsync(name, cancellationToken);
            rows.Add([name, source, passwords[name] ? "yes" : "no", string.Join(',', roles)]);
        }

        await _output.WriteAsync(ImageStreamTable.FormatRows(rows));
    }

    private async Task WriteBindingsAsync(IReadOnlyList<RoleBinding> bindings)
    {
        var rows = new List<string[]> { new[] { "ROLE", "USERS" } };
        rows.AddRange(bindings.GroupBy(b => b.Role).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new[] { g.Key, string.Join(", ", g.Select(b => b.User)) }));
        await _output.WriteAsync(ImageStreamTable.FormatRows(rows));
    }
}
