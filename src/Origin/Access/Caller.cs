namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Who is calling, resolved once per request. <see cref="User"/> is null for an anonymous caller.
/// <see cref="MayUseRegistry"/> is true when the user has <c>system:registry</c> or <c>cluster-admin</c>;
/// <see cref="Token"/> is set for a registry token, whose claims bound what the request may do.
/// </summary>
internal sealed record Caller(
    CallerKind Kind,
    string? User,
    bool MayUseRegistry,
    bool IsClusterAdmin,
    RegistryTokenClaims? Token = null,
    string? AccessTokenId = null)
{
    public static Caller Anonymous { get; } = new(CallerKind.Anonymous, null, false, false);

    public static Caller Unrestricted { get; } = new(CallerKind.Unrestricted, null, true, true);

    public bool IsAnonymous => User is null && Kind is not CallerKind.Unrestricted;
}
