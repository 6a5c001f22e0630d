using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Runs at start-up, after the metadata store is initialized. Loads (or creates) the token signing key, so a
/// bad key file stops the start rather than the first login. With <c>auth.openshift.bootstrap.enabled</c> and
/// no cluster administrator yet, creates the user <c>admin</c> with <c>cluster-admin</c> and
/// <c>system:registry</c>, mints an access token that does not expire, and writes it to
/// <c>&lt;data directory&gt;/admin.token</c> (mode 0600). The log names the file, never the token.
/// </summary>
internal sealed partial class AccessBootstrapper(
    AccessSettings settings,
    IAccessStore store,
    AccessTokenService tokens,
    RegistryTokenService registryTokens,
    ILogger<AccessBootstrapper> logger) : IHostedService
{
    public const string AdminUser = "admin";
    public const string TokenFileName = "admin.token";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Taking the token service as a dependency creates or loads the signing key now, during start-up.
        _ = registryTokens;
        Log.AuthEnabled(logger, settings.Auth.Realm, settings.Auth.BasicChallenge ? "basic" : "bearer");
        if (!settings.Auth.BootstrapEnabled)
        {
            return;
        }

        var bindings = await store.ListClusterRoleBindingsAsync(cancellationToken);
        if (bindings.Any(binding => binding.Role == Roles.ClusterAdmin))
        {
            return;
        }

        await store.CreateUserAsync(AdminUser, passwordHash: null, cancellationToken);
        await store.AddClusterRoleAsync(AdminUser, Roles.ClusterAdmin, cancellationToken);
        await store.AddClusterRoleAsync(AdminUser, Roles.Registry, cancellationToken);
        var (token, record) = await tokens.MintAsync(AdminUser, lifetime: null, "bootstrap", cancellationToken);
        var path = Path.Combine(settings.DataDirectory, TokenFileName);
        SecretFile.WriteAllText(path, token);
        Log.AdministratorCreated(logger, AdminUser, record.Id, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1420, Level = LogLevel.Information, Message = "Using OpenShift Auth handler (realm {Realm}, challenge {Challenge})")]
        public static partial void AuthEnabled(ILogger logger, string realm, string challenge);

        [LoggerMessage(
            EventId = 1421,
            Level = LogLevel.Warning,
            Message = "Created the administrator {User} (cluster-admin, system:registry); its access token {TokenId} is in {Path}. Log in with any user name and that token as password, e.g. skopeo login -u {User} -p \"$(cat {Path})\" <registry>")]
        public static partial void AdministratorCreated(ILogger logger, string user, string tokenId, string path);
    }
}
