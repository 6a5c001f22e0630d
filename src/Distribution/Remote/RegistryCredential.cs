namespace EdgeRegistry.Distribution.Remote;

/// <summary>A user name and password (or token) for one remote registry. <see cref="ToString"/> never shows the password.</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    public override string ToString() => $"RegistryCredential {{ Username = {Username} }}";
}
