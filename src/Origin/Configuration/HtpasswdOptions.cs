namespace EdgeRegistry.Origin.Configuration;

/// <summary><c>auth.openshift.htpasswd</c>: <c>path</c> (required) of a bcrypt htpasswd file whose users may log in.</summary>
internal sealed record HtpasswdOptions
{
    public required string Path { get; init; }

    internal static HtpasswdOptions? Bind(ConfigMapping section)
    {
        var path = section.String("path");
        section.ReportUnknownKeys();
        if (string.IsNullOrEmpty(path))
        {
            section.Error("path", "required");
            return null;
        }

        return new HtpasswdOptions { Path = path };
    }
}
