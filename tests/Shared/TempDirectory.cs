namespace EdgeRegistry.Tests.Shared;

/// <summary>
/// A fresh directory under <see cref="Path.GetTempPath"/>, deleted with everything in it on dispose.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates a new empty directory whose name starts with <paramref name="prefix"/>.</summary>
    public TempDirectory(string prefix = "edgeregistry-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    /// <summary>The absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>Returns <paramref name="parts"/> combined below <see cref="Path"/> (nothing is created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="contents"/> (UTF-8) to the file <paramref name="name"/> in the directory and returns its path.</summary>
    public string WriteFile(string name, string contents)
    {
        var path = Combine(name);
        File.WriteAllText(path, contents);
        return path;
    }

    /// <summary>Creates (if needed) and returns a subdirectory.</summary>
    public string CreateSubdirectory(string name) => Directory.CreateDirectory(Combine(name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A child process killed a moment ago may still hold a file; a leftover temp dir is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
