namespace EdgeRegistry.Origin.Access;

/// <summary>
/// The users of an htpasswd file (<c>user:hash</c> lines as <c>htpasswd -B</c> writes them). Only bcrypt
/// hashes (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>) are accepted, as in distribution; other lines are skipped with
/// a warning that names the line, never its content. The file is read again when its size or modification
/// time changes, so an operator can add users without a restart. A missing file is an empty one (with a warning).
/// </summary>
internal sealed partial class HtpasswdUsers(string path, ILogger<HtpasswdUsers> logger)
{
    private readonly Lock _lock = new();
    private (DateTime Modified, long Length) _stamp = (DateTime.MinValue, -1);
    private IReadOnlyDictionary<string, string> _users = new Dictionary<string, string>(StringComparer.Ordinal);

    public string Path { get; } = path;

    /// <summary>The bcrypt hash of <paramref name="user"/>, or null when the file does not name the user.</summary>
    public string? FindHash(string user) => Current().TryGetValue(user, out var hash) ? hash : null;

    /// <summary>Every user name in the file, in ordinal order.</summary>
    public IReadOnlyList<string> Users() => Current().Keys.Order(StringComparer.Ordinal).ToList();

    private IReadOnlyDictionary<string, string> Current()
    {
        var info = new FileInfo(Path);
        var stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1L);
        lock (_lock)
        {
            if (stamp == _stamp)
            {
                return _users;
            }

            _users = info.Exists ? Parse() : Missing();
            _stamp = stamp;
            return _users;
        }
    }

    private Dictionary<string, string> Missing()
    {
        Log.FileMissing(logger, Path);
        return new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private Dictionary<string, string> Parse()
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.FileUnreadable(logger, Path, exception.Message);
            return users;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var user = colon > 0 ? line[..colon] : string.Empty;
            var hash = colon > 0 ? line[(colon + 1)..] : string.Empty;
            if (!UserName.IsValid(user) || !IsBcrypt(hash))
            {
                Log.LineSkipped(logger, Path, i + 1);
                continue;
            }

            users[user] = hash;
        }

        Log.Loaded(logger, Path, users.Count);
        return users;
    }

    private static bool IsBcrypt(string hash) =>
        hash.Length == 60 && (hash.StartsWith("$2a$", StringComparison.Ordinal) || hash.StartsWith("$2b$", StringComparison.Ordinal) || hash.StartsWith("$2y$", StringComparison.Ordinal));

    private static partial class Log
    {
        [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "htpasswd file {Path} loaded: {Count} users")]
        public static partial void Loaded(ILogger logger, string path, int count);

        [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "htpasswd file {Path}, line {Line}: not user:bcrypt-hash, skipped")]
        public static partial void LineSkipped(ILogger logger, string path, int line);

        [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "htpasswd file {Path} does not exist: no users from it")]
        public static partial void FileMissing(ILogger logger, string path);

        [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "htpasswd file {Path} cannot be read: {Reason}")]
        public static partial void FileUnreadable(ILogger logger, string path, string reason);
    }
}
