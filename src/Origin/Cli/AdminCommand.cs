using System.Globalization;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Origin.Access;
using EdgeRegistry.Origin.Configuration;
using EdgeRegistry.Origin.ImageStreams;
using EdgeRegistry.Origin.Metadata;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Origin.Cli;

/// <summary>
/// <c>edgeregistry-origin admin &lt;verb&gt; ...</c>: the administrator's command line. It reads the same
/// configuration as the server (<c>--config</c>, else <c>REGISTRY_CONFIGURATION_PATH</c>, else the embedded
/// default) and works directly on the same metadata store, so it can run while the server runs; the server
/// reads bindings, tokens and projects on every request, so changes hold at once. Exit codes: 0 done, 1 failed
/// (the message says why), 2 wrong usage or configuration.
/// </summary>
internal sealed partial class AdminCommand
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
    private readonly IAccessStore _store;
    private readonly UserDirectory _users;
    private readonly AccessTokenService _tokens;
    private readonly ImageStreamService _streams;
    private readonly ImageImporter _importer;
    private readonly TimeProvider _time;
    private readonly TextReader _input;
    private readonly TextWriter _output;
    private readonly TextWriter _error;

    private AdminCommand(OriginOptions options, IMetadataStore metadata, IAccessStore store, RemoteRegistryClientFactory remotes, TimeProvider time, TextReader input, TextWriter output, TextWriter error)
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
        _streams = new ImageStreamService(metadata, RegistryHost.From(options.Http), NullLogger<ImageStreamService>.Instance);
        _importer = new ImageImporter(metadata, remotes, NullLogger<ImageImporter>.Instance);
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
            MetadataStores.Validate(options.Metadata);
        }
        catch (ConfigurationException exception)
        {
            foreach (var line in exception.Errors)
            {
                await error.WriteLineAsync($"configuration error: {line}");
            }

            return 2;
        }

        // The same database as the server's: SQLite's file, or PostgreSQL shared with every replica.
        using var store = MetadataStores.Open(options.Metadata, time);
        await store.InitializeAsync(cancellationToken);
        // The command line imports from its own process, with the server's upstream settings (allowlist included).
        using var remotes = new RemoteRegistryClientFactory(options.Upstream.Remote, time);
        var command = new AdminCommand(options, store, store, remotes, time, input, output, error);
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
