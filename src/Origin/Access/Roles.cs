namespace EdgeRegistry.Origin.Access;

/// <summary>
/// The roles of the OpenShift access model and what each allows. Project roles are bound per project; cluster
/// roles everywhere. A user needs <see cref="Registry"/> (or <see cref="ClusterAdmin"/>) to use the registry at all
/// (seed 3.3.3.1); anonymous callers may only pull from public projects.
/// </summary>
internal static class Roles
{
    /// <summary>Pull from the project.</summary>
    public const string RegistryViewer = "registry-viewer";

    /// <summary>Pull and push (OpenShift's role for builds, seed 3.3.3.1).</summary>
    public const string ImageBuilder = "system:image-builder";

    /// <summary>Pull and push.</summary>
    public const string RegistryEditor = "registry-editor";

    /// <summary>Everything in the project: also delete and manage role bindings.</summary>
    public const string Admin = "admin";

    /// <summary>OpenShift's name for a registry-only project administrator; the same rights as <see cref="Admin"/>.</summary>
    public const string RegistryAdmin = "registry-admin";

    /// <summary>Cluster role: may log in to the registry at all.</summary>
    public const string Registry = "system:registry";

    /// <summary>Cluster role: everything, everywhere, including the catalog, projects, users and tokens of others.</summary>
    public const string ClusterAdmin = "cluster-admin";

    public static IReadOnlyList<string> ProjectRoles { get; } = [RegistryViewer, ImageBuilder, RegistryEditor, Admin, RegistryAdmin];

    public static IReadOnlyList<string> ClusterRoles { get; } = [Registry, ClusterAdmin];

    public static bool IsProjectRole(string role) => ProjectRoles.Contains(role, StringComparer.Ordinal);

    public static bool IsClusterRole(string role) => ClusterRoles.Contains(role, StringComparer.Ordinal);

    /// <summary>What a project role allows; <see cref="ProjectPermissions.None"/> for a name that is not one (a binding left by an older build).</summary>
    public static ProjectPermissions PermissionsOf(string role) => role switch
    {
        RegistryViewer => ProjectPermissions.Pull,
        ImageBuilder or RegistryEditor => ProjectPermissions.Pull | ProjectPermissions.Push,
        Admin or RegistryAdmin => ProjectPermissions.All,
        _ => ProjectPermissions.None,
    };

    /// <summary>The union of what <paramref name="roles"/> allow.</summary>
    public static ProjectPermissions PermissionsOf(IEnumerable<string> roles)
    {
        var permissions = ProjectPermissions.None;
        foreach (var role in roles)
        {
            permissions |= PermissionsOf(role);
        }

        return permissions;
    }
}
