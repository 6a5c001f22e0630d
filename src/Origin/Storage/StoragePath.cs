namespace EdgeRegistry.Origin.Storage;

/// <summary>
/// The syntax of a driver path, shared by every driver so they reject exactly the same paths. A valid path
/// starts with <c>/</c>, uses <c>/</c> as separator, and has no empty, <c>.</c> or <c>..</c> component, no
/// backslash and no NUL. <c>/</c> alone is the driver's root: valid where a directory is expected
/// (<see cref="IStorageDriver.StatAsync"/>, <see cref="IStorageDriver.ListAsync"/>,
/// <see cref="IStorageDriver.WalkAsync"/>), invalid where a file is.
/// </summary>
internal static class StoragePath
{
    public const string Root = "/";

    /// <summary>True when <paramref name="path"/> is <c>/</c> or a valid path below it.</summary>
    public static bool IsValid(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return false;
        }

        if (path.Length == 1)
        {
            return true;
        }

        if (path.AsSpan().IndexOfAny('\\', '\0') >= 0)
        {
            return false;
        }

        foreach (var range in path.AsSpan(1).Split('/'))
        {
            var component = path.AsSpan(1)[range];
            if (component.IsEmpty || component is "." or "..")
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns <paramref name="path"/> when valid and not the root; else throws <see cref="InvalidStoragePathException"/>.</summary>
    public static string ValidateFile(string path) =>
        IsValid(path) && path.Length > 1 ? path : throw new InvalidStoragePathException(path);

    /// <summary>Returns <paramref name="path"/> when valid (the root included); else throws <see cref="InvalidStoragePathException"/>.</summary>
    public static string ValidateDirectory(string path) =>
        IsValid(path) ? path : throw new InvalidStoragePathException(path);

    /// <summary>The parent of a valid non-root path: <c>/a/b</c> gives <c>/a</c>, <c>/a</c> gives <c>/</c>.</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash == 0 ? Root : path[..slash];
    }

    /// <summary>The last component of a valid non-root path.</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>The path of <paramref name="name"/> inside <paramref name="directory"/>.</summary>
    public static string Join(string directory, string name) =>
        directory.Length == 1 ? "/" + name : directory + "/" + name;
}
