using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Who the users are: those created by the admin command line (metadata) and those of the htpasswd file, when
/// configured. A name in both logs in with the command line's password, or with the file's when the command
/// line gave it none. Passwords are bcrypt hashes, verified by BCrypt.Net.
/// </summary>
internal sealed class UserDirectory(IAccessStore store, HtpasswdUsers? htpasswd)
{
    // Verified against when the user is unknown, so that an unknown name costs as much time as a wrong password.
    private static readonly string DummyHash = BCrypt.Net.BCrypt.HashPassword("edgeregistry-no-such-user", 10);

    /// <summary>The default bcrypt work factor for passwords set by the command line (htpasswd -B uses 5 by default; 10 is BCrypt.Net's).</summary>
    public const int WorkFactor = 10;

    /// <summary>True when the user exists in metadata or in the htpasswd file.</summary>
    public async Task<bool> ExistsAsync(string user, CancellationToken cancellationToken) =>
        htpasswd?.FindHash(user) is not null || await store.GetUserAsync(user, cancellationToken) is not null;

    /// <summary>True when <paramref name="password"/> is the user's; false for an unknown user, a user without password, or a wrong one.</summary>
    public async Task<bool> VerifyPasswordAsync(string user, string password, CancellationToken cancellationToken)
    {
        if (!UserName.IsValid(user))
        {
            return false;
        }

        var stored = await store.GetUserAsync(user, cancellationToken);
        var hash = stored?.PasswordHash ?? htpasswd?.FindHash(user);
        if (hash is null)
        {
            BCrypt.Net.BCrypt.Verify(password, DummyHash);
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>A bcrypt hash of <paramref name="password"/> for storing.</summary>
    public static string HashPassword(string password) => BCrypt.Net.BCrypt.HashPassword(password, WorkFactor);
}
