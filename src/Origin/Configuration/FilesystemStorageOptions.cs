namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// <c>storage.filesystem</c>: <c>rootdirectory</c> (default <c>./data</c>, the embedded default's directory)
/// and <c>maxthreads</c> (at least 25, default 100, as distribution).
/// </summary>
internal sealed record FilesystemStorageOptions
{
    public const string DefaultRootDirectory = "./data";

    public string RootDirectory { get; init; } = DefaultRootDirectory;

    /// <summary>How many blocking file operations may run at once.</summary>
    public int MaxThreads { get; init; } = 100;

    internal static FilesystemStorageOptions Bind(ConfigMapping section)
    {
        var rootDirectory = section.String("rootdirectory", DefaultRootDirectory);
        if (rootDirectory.Length == 0)
        {
            section.Error("rootdirectory", "must not be empty");
        }

        var options = new FilesystemStorageOptions
        {
            RootDirectory = rootDirectory,
            MaxThreads = section.Int("maxthreads", 100, minimum: 25),
        };
        section.ReportUnknownKeys();
        return options;
    }
}
