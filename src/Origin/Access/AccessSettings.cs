using EdgeRegistry.Origin.Configuration;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// What the access feature needs from configuration: <c>auth.openshift</c>, the externally reachable URL
/// (<c>http.host</c>, may be null) and the data directory (where the signing key and the bootstrap token live).
/// </summary>
internal sealed record AccessSettings(OpenShiftAuthOptions Auth, Uri? ExternalHost, string DataDirectory)
{
    /// <summary>The path of the token endpoint, under which Bearer challenges send clients.</summary>
    public const string TokenPath = "/openshift/token";

    /// <summary>The data directory: the directory of the SQLite metadata file (<c>./data</c> in the embedded default).</summary>
    public static string DataDirectoryOf(MetadataOptions metadata) => Path.GetDirectoryName(Path.GetFullPath(metadata.SqlitePath))!;
}
