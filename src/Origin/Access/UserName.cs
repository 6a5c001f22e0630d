namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Rules for user names: 1 to 255 characters, no colon (it separates the name from the password in Basic
/// credentials and in htpasswd lines, so a name with one could never log in), no whitespace or control
/// characters.
/// </summary>
internal static class UserName
{
    public const int MaxLength = 255;

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= MaxLength
        && !name.Contains(':')
        && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}
