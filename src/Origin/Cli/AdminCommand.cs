using System.Globalization;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.ImageStreams;
using EdgeRegistry.Origin.Metadata;
using EdgeRegistry.Origin.Metadata.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Origin.Cli;

/// <summary>
/// <c>edgeregistry-origin admin &lt;verb&gt; ...</c>: the administrator's command line. It reads the same
/// configuration as the server (<c>--config</c>, else <c>REGISTRY_CONFIGURATION_PATH</c>, else the embedded
/// default) and works directly on the same metadata store, so it can run while the server runs; the server
/// reads bindings, tokens and projects on every request, so changes hold at once. Exit codes: 0 done, 1 failed
/// (the message says why), 2 wrong usage or configuration.
/// </summary>
internal sealed class AdminCommand
{
    public const string Usage = """
        usage: edgeregistry-origin admin <verb> [arguments] [--config config.yml]

        projects
          create-project PROJECT [--public]             create a project (public: anonymous pull)
          set-project PROJECT --public|--private        make a project public or private
          get projects                                  list projects
        users and tokens
          create-user USER [--password-stdin]           create a user (password read from stdin; none: tokens only)
          set-password USER --password-stdin            set a user's password
          delete-user USER                              delete a user with their tokens and role bindings
          get users                                     list users (command line and htpasswd)
          token USER [--expires 24h|never] [--description TEXT]
                                                        mint an access token and print it (as oc whoami -t)
          tokens USER                                   list a user's tokens (ids, never secrets)
          revoke-token ID|TOKEN                         revoke one token
          revoke-token --user USER                      revoke every token of a user
        roles
          policy add-role-to-user ROLE USER -n PROJECT      registry-viewer, system:image-builder, registry-editor, admin
          policy remove-role-from-user ROLE USER -n PROJECT
          policy add-cluster-role-to-user ROLE USER         system:registry, cluster-admin
          policy remove-cluster-role-from-user ROLE USER
          get rolebindings -n PROJECT | get clusterrolebindings
        image streams
          get imagestreams -n PROJECT                   NAME  DOCKER REPO  TAGS  UPDATED
          tag SOURCE DEST [-n PROJECT]                  point DEST ([project/]stream:tag) at SOURCE's image
                                                        ([project/]stream:tag or @sha256:...), linking its blobs;
                                                        a SOURCE on a registry (docker.io/library/busybox:latest)
                                                        is imported: manifests stored, blobs pulled through later
          import-image NAME --from IMAGE [-n PROJECT]   import IMAGE (registry/repository[:tag|@digest]) as
                                                        NAME ([project/]stream[:tag], the tag defaulting to IMAGE's)
          import-image NAME --from REPOSITORY --all     import every tag of REPOSITORY into the stream NAME

        """;

    private readonly OriginOptions _options;
    private readonly SqliteMetadataStore _store;
    private readonly UserDirectory _users;
    private readonly AccessTokenService _tokens;
    private readonly ImageStreamService _streams;
    private readonly ImageImporter _importer;
    private readonly TimeProvider _time;
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly TextWriter _error;

    private AdminCommand(OriginOptions options, SqliteMetadataStore store, RemoteRegistryClientFactory remotes, TimeProvider time, TextReader input, TextWriter output, TextWriter error)
    {
        _options = options;
        _store = store;
        _time = time;
        _input = input;
        _output = output;
        _error = error;
        var htpasswd = options.Auth?.OpenShift.Htpasswd is { } file ? new HtpasswdUsers(file.Path, NullLogger<HtpasswdUsers>.Instance) : null;
        _users = new UserDirectory(store, htpasswd);
        _tokens = new AccessTokenService(store, time);
        _streams = new ImageStreamService(store, RegistryHost.From(options.Http), NullLogger<ImageStreamService>.Instance);
        _importer = new ImageImporter(store, remotes, NullLogger<ImageImporter>.Instance);
    }

    /// <summary>Runs one command line (the words after <c>admin</c>) and returns the process exit code.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment,
        TextReader input,
        TextWriter output,
        TextWriter error,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        AdminArguments parsed;
        try
        {
            parsed = AdminArguments.Parse(args);
        }
        catch (AdminUsageException exception)
        {
            await error.WriteLineAsync($"error: {exception.Message}");
            await error.WriteAsync(Usage);
            return 2;
        }

        if (parsed.Words.Count == 0 || parsed.Words[0] == "help" || parsed.Flag("--help") || parsed.Flag("-h"))
        {
            await (parsed.Words.Count == 0 ? error : output).WriteAsync(Usage);
            return parsed.Words.Count == 0 ? 2 : 0;
        }

        OriginOptions options;
        try
        {
            options = OriginConfigurationLoader.Load(parsed.Option("config"), environment);
            if (options.Metadata.Driver != MetadataDriverKind.Sqlite)
            {
                throw new ConfigurationException(["metadata.driver: only sqlite is available in this build"]);
            }
        }
        catch (ConfigurationException exception)
        {
            foreach (var line in exception.Errors)
            {
                await error.WriteLineAsync($"configuration error: {line}");
            }

            return 2;
        }

        using var store = new SqliteMetadataStore(Path.GetFullPath(options.Metadata.SqlitePath), time);
        await store.InitializeAsync(cancellationToken);
        // The command line imports from its own process, with the server's upstream settings (allowlist included).
        using var remotes = new RemoteRegistryClientFactory(options.Upstream.Remote, time);
        var command = new AdminCommand(options, store, remotes, time, input, output, error);
        try
        {
            await command.ExecuteAsync(parsed, cancellationToken);
            return 0;
        }
        catch (AdminUsageException exception)
        {
            await error.WriteLineAsync($"error: {exception.Message}");
            return 2;
        }
        catch (Exception exception) when (exception is AdminFailureException or RegistryException)
        {
            await error.WriteLineAsync($"error: {exception.Message}");
            return 1;
        }
    }

    private Task ExecuteAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var verb = args.Words[0];
        return verb switch
        {
            "create-project" => CreateProjectAsync(args, cancellationToken),
            "set-project" => SetProjectAsync(args, cancellationToken),
            "create-user" => CreateUserAsync(args, cancellationToken),
            "set-password" => SetPasswordAsync(args, cancellationToken),
            "delete-user" => DeleteUserAsync(args, cancellationToken),
            "token" => TokenAsync(args, cancellationToken),
            "tokens" => TokensAsync(args, cancellationToken),
            "revoke-token" => RevokeTokenAsync(args, cancellationToken),
            "policy" => PolicyAsync(args, cancellationToken),
            "get" => GetAsync(args, cancellationToken),
            "tag" => TagAsync(args, cancellationToken),
            "import-image" => ImportImageAsync(args, cancellationToken),
            _ => throw new AdminUsageException($"unknown verb {verb} (try: admin help)"),
        };
    }

    // Projects

    private async Task CreateProjectAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var name = Project(args.Word(1, "PROJECT"));
        args.NoMoreThan(2);
        if (!await _store.CreateProjectAsync(name, args.Flag("--public"), cancellationToken))
        {
            throw new AdminFailureException($"project \"{name}\" already exists");
        }

        await _output.WriteLineAsync($"project \"{name}\" created{(args.Flag("--public") ? " (public)" : string.Empty)}");
    }

    private async Task SetProjectAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var name = Project(args.Word(1, "PROJECT"));
        args.NoMoreThan(2);
        if (args.Flag("--public") == args.Flag("--private"))
        {
            throw new AdminUsageException("give exactly one of --public and --private");
        }

        if (!await _store.SetProjectPublicAsync(name, args.Flag("--public"), cancellationToken))
        {
            throw new AdminFailureException($"project \"{name}\" not found");
        }

        await _output.WriteLineAsync($"project \"{name}\" is now {(args.Flag("--public") ? "public" : "private")}");
    }

    // Users and tokens

    private async Task CreateUserAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        var hash = args.Flag("--password-stdin") ? UserDirectory.HashPassword(await ReadPasswordAsync()) : null;
        if (!await _store.CreateUserAsync(user, hash, cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" already exists");
        }

        await _output.WriteLineAsync($"user \"{user}\" created{(hash is null ? " (no password: log in with tokens from admin token)" : string.Empty)}");
        await WarnIfAuthOffAsync();
    }

    private async Task SetPasswordAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        if (!args.Flag("--password-stdin"))
        {
            throw new AdminUsageException("set-password reads the password from stdin: give --password-stdin");
        }

        if (!await _store.SetPasswordHashAsync(user, UserDirectory.HashPassword(await ReadPasswordAsync()), cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" not found (users of the htpasswd file change their password there)");
        }

        await _output.WriteLineAsync($"password of \"{user}\" set");
    }

    private async Task DeleteUserAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        if (!await _store.DeleteUserAsync(user, cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" not found");
        }

        await _output.WriteLineAsync($"user \"{user}\" deleted with their tokens and role bindings");
    }

    private async Task TokenAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        if (!await _users.ExistsAsync(user, cancellationToken))
        {
            throw new AdminFailureException($"user \"{user}\" not found (create it with admin create-user, or add it to the htpasswd file)");
        }

        TimeSpan? lifetime = _options.Auth?.OpenShift.AccessTokenLifetime ?? TimeSpan.FromHours(24);
        if (args.Option("expires") is { } expires)
        {
            if (expires == "never")
            {
                lifetime = null;
            }
            else if (GoDuration.TryParse(expires, out var parsed) && parsed > TimeSpan.Zero)
            {
                lifetime = parsed;
            }
            else
            {
                throw new AdminUsageException($"--expires {expires}: expected a duration such as 24h or 30m, or never");
            }
        }

        var (token, _) = await _tokens.MintAsync(user, lifetime, args.Option("description") ?? "admin token", cancellationToken);
        // The token is the command's output (as oc whoami -t): stdout only, nothing else on that stream.
        await _output.WriteLineAsync(token);
        await WarnIfAuthOffAsync();
    }

    private async Task TokensAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        var user = User(args.Word(1, "USER"));
        args.NoMoreThan(2);
        var now = _time.GetUtcNow();
        var rows = new List<string[]> { new[] { "ID", "DESCRIPTION", "CREATED", "EXPIRES", "STATUS" } };
        foreach (var token in await _store.ListAccessTokensAsync(user, cancellationToken))
        {
            var status = token.Revoked is not null ? "revoked" : token.Expires is { } e && e <= now ? "expired" : "active";
            rows.Add([token.Id, token.Description ?? string.Empty, Time(token.Created), token.Expires is { } x ? Time(x) : "never", status]);
        }

        await _output.WriteAsync(ImageStreamTable.FormatRows(rows));
    }

    private async Task RevokeTokenAsync(AdminArguments args, CancellationToken cancellationToken)
    {
        if (args.Option("user") is { } userOption)
        {
            args.NoMoreThan(1);
            var count = await _store.RevokeAccessTokensOfUserAsync(User(userOption), cancellationToken);
            await _output.WriteLineAsync($"{count} token(s) of \"{userOption}\" revoked");
            return;
        }

        var given = args.Word(1, "ID or TOKEN");
        args.NoMoreThan(2);
        var id = AccessTokenService.IdOf(given) ?? given;
        if (await _store.GetAccessTokenAsync(id, cancellationToken) is null)
        {
            throw new AdminFailureException($"token {id} not found");
        }

        await _output.WriteLineAsync(await _store.RevokeAccessTokenAsync(id, cancellationToken) ? $"token {id} revoked" : $"token {id} was already revoked");
    }

    // Roles

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

    // Listings

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

    // Image streams

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

    // Helpers

    private async Task<string> ReadPasswordAsync()
    {
        var password = (await _input.ReadLineAsync())?.TrimEnd('\r');
        return string.IsNullOrEmpty(password) ? throw new AdminUsageException("no password on stdin") : password;
    }

    private async Task WarnIfAuthOffAsync()
    {
        if (_options.Auth is null)
        {
            await _error.WriteLineAsync("note: this configuration has no auth.openshift section: the server does not check credentials");
        }
    }

    private static string Project(string name) =>
        ProjectName.IsValid(name) ? name : throw new AdminUsageException($"\"{name}\" is not a valid project name (lower-case letters, digits and hyphens, at most 63)");

    private static string User(string name) =>
        UserName.IsValid(name) ? name : throw new AdminUsageException($"\"{name}\" is not a valid user name (no colon, no spaces)");

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
