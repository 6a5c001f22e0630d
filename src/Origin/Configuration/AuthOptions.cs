namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The <c>auth</c> section. The seed supports only the <c>openshift</c> extension, so distribution's
/// <c>htpasswd</c>, <c>token</c> and <c>silly</c> providers are rejected with a message that says so.
/// </summary>
internal sealed record AuthOptions
{
    public OpenShiftAuthOptions OpenShift { get; init; } = new();

    /// <summary>Null when the section is absent or empty.</summary>
    internal static AuthOptions? Bind(ConfigMapping? section)
    {
        if (section is null)
        {
            return null;
        }

        foreach (var provider in new[] { "htpasswd", "token", "silly" })
        {
            section.Reject(provider, "not supported; auth.openshift is the only auth provider (set auth.openshift.htpasswd.path for an htpasswd file)");
        }

        var hasOpenShift = section.Has("openshift");
        var openShift = OpenShiftAuthOptions.Bind(section.MappingOrEmpty("openshift"));
        section.ReportUnknownKeys();
        return hasOpenShift ? new AuthOptions { OpenShift = openShift } : null;
    }
}
