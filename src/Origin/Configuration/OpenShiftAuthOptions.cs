namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// <c>auth.openshift</c>: <c>realm</c> of the Basic and Bearer challenges (default <c>openshift</c>),
/// <c>tokenlifetime</c> of the tokens the token endpoint issues (default 5m), an optional <c>htpasswd</c>
/// user file, and <c>bootstrap.enabled</c> (default false) to create the first administrator at start-up.
/// </summary>
internal sealed record OpenShiftAuthOptions
{
    public string Realm { get; init; } = "openshift";

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public HtpasswdOptions? Htpasswd { get; init; }

    public bool BootstrapEnabled { get; init; }

    internal static OpenShiftAuthOptions Bind(ConfigMapping section)
    {
        var realm = section.String("realm", "openshift");
        if (realm.Length == 0)
        {
            section.Error("realm", "must not be empty");
        }

        var bootstrap = section.MappingOrEmpty("bootstrap");
        var htpasswd = section.Mapping("htpasswd");
        var options = new OpenShiftAuthOptions
        {
            Realm = realm,
            TokenLifetime = section.Duration("tokenlifetime", TimeSpan.FromMinutes(5), allowZero: false),
            Htpasswd = htpasswd is null ? null : HtpasswdOptions.Bind(htpasswd),
            BootstrapEnabled = bootstrap.Bool("enabled", false),
        };
        bootstrap.ReportUnknownKeys();
        section.ReportUnknownKeys();
        return options;
    }
}
