namespace EdgeRegistry.Tests.Shared;

/// <summary>Writes htpasswd files with bcrypt hashes, the only scheme docker-registry and the origin accept.</summary>
public static class HtpasswdFile
{
    /// <summary>
    /// Writes <paramref name="path"/> with one <c>user:bcrypt-hash</c> line per entry.
    /// <paramref name="workFactor"/> is low by default because the server verifies the hash on every request.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, string>> users, int workFactor = 5)
    {
        var lines = users.Select(user => $"{user.Key}:{BCrypt.Net.BCrypt.HashPassword(user.Value, workFactor)}");
        File.WriteAllLines(path, lines);
    }
}
