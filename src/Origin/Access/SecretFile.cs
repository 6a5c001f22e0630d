namespace EdgeRegistry.Origin.Access;

/// <summary>Files that hold secrets (the signing key, the bootstrap token): created readable and writable by their owner only (mode 0600).</summary>
internal static class SecretFile
{
    /// <summary>Creates <paramref name="path"/>, failing with <see cref="IOException"/> when it exists.</summary>
    public static FileStream CreateNew(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>Writes <paramref name="content"/> and a newline to a new owner-only file, replacing any file at <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        using (var stream = CreateNew(temporary))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
