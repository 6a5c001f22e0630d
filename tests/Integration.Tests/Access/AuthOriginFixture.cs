using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Access;

/// <summary>
/// A real origin process with <c>auth.openshift</c> and an htpasswd file, set up through the admin command line
/// as an operator would: projects <c>team</c>, <c>other</c>, <c>test</c>, <c>anyproject</c> (private) and
/// <c>public</c> (public); <c>builder</c> may push to team, test and public; <c>viewer</c> may pull from team;
/// <c>puller</c> may pull from anyproject; all three have <c>system:registry</c>. Logs at debug level.
/// </summary>
public abstract class AuthOriginFixture : IAsyncLifetime
{
    public const string BuilderPassword = "builder-Pa55-word";
    public const string ViewerPassword = "viewer-Pa55-word";
    public const string PullerPassword = "puller-Pa55-word";

    private readonly TempDirectory _directory = new("auth-origin-");
    private OriginProcess? _origin;

    public OriginProcess Origin => _origin ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>Every secret the tests use: none may appear in the origin's output.</summary>
    public List<string> Secrets { get; } = [BuilderPassword, ViewerPassword, PullerPassword];

    /// <summary>Extra environment for the origin (e.g. the Basic challenge).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var htpasswd = _directory.Combine("users.htpasswd");
        HtpasswdFile.Write(htpasswd, new Dictionary<string, string>
        {
            ["builder"] = BuilderPassword,
            ["viewer"] = ViewerPassword,
            ["puller"] = PullerPassword,
        });
        _origin = await OriginProcess.StartAsync(
            new OriginOptions
            {
                ExtraYaml = $"log:\n  level: debug\nauth:\n  openshift:\n    realm: openshift\n    htpasswd:\n      path: '{htpasswd}'",
                Environment = Environment,
            },
            timeout.Token);

        var config = Origin.ConfigPath;
        foreach (var project in new[] { "team", "other", "test", "anyproject" })
        {
            await AdminCli.RunCheckedAsync(config, timeout.Token, "create-project", project);
        }

        await AdminCli.RunCheckedAsync(config, timeout.Token, "create-project", "public", "--public");
        foreach (var user in new[] { "builder", "viewer", "puller" })
        {
            // The seed's own form: add-role-to-user system:registry without a project.
            await AdminCli.RunCheckedAsync(config, timeout.Token, "policy", "add-role-to-user", "system:registry", user);
        }

        foreach (var project in new[] { "team", "test", "public" })
        {
            await AdminCli.RunCheckedAsync(config, timeout.Token, "policy", "add-role-to-user", "system:image-builder", "builder", "-n", project);
        }

        await AdminCli.RunCheckedAsync(config, timeout.Token, "policy", "add-role-to-user", "registry-viewer", "viewer", "-n", "team");
        await AdminCli.RunCheckedAsync(config, timeout.Token, "policy", "add-role-to-user", "registry-viewer", "puller", "-n", "anyproject");
    }

    /// <summary>Mints an access token for <paramref name="user"/> with the admin command line (as <c>oc whoami -t</c> prints one).</summary>
    public async Task<string> TokenAsync(string user, CancellationToken cancellationToken)
    {
        var token = (await AdminCli.RunCheckedAsync(Origin.ConfigPath, cancellationToken, "token", user)).Trim();
        Secrets.Add(token);
        return token;
    }

    public async Task DisposeAsync()
    {
        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        _directory.Dispose();
    }
}
