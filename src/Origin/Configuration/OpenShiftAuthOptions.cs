namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// <c>auth.openshift</c>: <c>realm</c> of the Basic challenges and responses (default <c>openshift</c>);
/// <c>tokenrealm</c>, the absolute URL clients are sent to for Bearer tokens (default
/// <c>&lt;http.host or the request's scheme and host&gt;/openshift/token</c>); <c>challenge</c>, the scheme
/// a 401 from <c>/v2</c> asks for (<c>bearer</c>, the default, or <c>basic</c>, the way OpenShift 3's
/// registry asked for the access token as a password); <c>tokenlifetime</c> of the tokens the token endpoint
/// issues (default 5m); <c>accesstokenlifetime</c> of the access tokens the login endpoint mints (default 24h);
/// an optional <c>htpasswd</c> user file; and <c>bootstrap.enabled</c> (default false) to create the first
/// administrator at start-up.
/// </summary>
internal sealed record OpenShiftAuthOptions
{
    public string Realm { get; init; } = "openshift";

    /// <summary>Null: derived from <c>http.host</c> or from each request.</summary>
    public Uri? TokenRealm { get; init; }

    /// <summary>True when a 401 asks for Basic credentials (the access token as password) instead of a Bearer token.</summary>
    public bool BasicChallenge { get; init; }

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(24);

    public HtpasswdOptions? Htpasswd { get; init; }

    public bool BootstrapEnabled { get; init; }

    internal static OpenShiftAuthOptions Bind(ConfigMapping section)
    {
        var realm = section.String("realm", "openshift");
        if (realm.Length == 0)
        {
            section.Error("realm", "must not be empty");
        }
        else if (realm.Contains('"') || realm.Any(char.IsControl))
        {
            section.Error("realm", "must not contain quotes or control characters");
        }

        Uri? tokenRealm = null;
        if (section.String("tokenrealm") is { Length: > 0 } tokenRealmText)
        {
            if (Uri.TryCreate(tokenRealmText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && !tokenRealmText.Contains('"'))
            {
                tokenRealm = parsed;
            }
            else
            {
                section.Error("tokenrealm", $"{ConfigurationErrors.Quote(tokenRealmText)} is not an absolute http or https URL");
            }
        }

        var bootstrap = section.MappingOrEmpty("bootstrap");
        var htpasswd = section.Mapping("htpasswd");
        var options = new OpenShiftAuthOptions
        {
            Realm = realm,
            TokenRealm = tokenRealm,
            BasicChallenge = section.OneOf("challenge", "bearer", "bearer", "basic") == "basic",
            TokenLifetime = section.Duration("tokenlifetime", TimeSpan.FromMinutes(5), allowZero: false),
            AccessTokenLifetime = section.Duration("accesstokenlifetime", TimeSpan.FromHours(24), allowZero: false),
            Htpasswd = htpasswd is null ? null : HtpasswdOptions.Bind(htpasswd),
            BootstrapEnabled = bootstrap.Bool("enabled", false),
        };
        bootstrap.ReportUnknownKeys();
        section.ReportUnknownKeys();
        return options;
    }
}
