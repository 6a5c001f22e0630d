namespace EdgeRegistry.Origin.Access;

/// <summary>What a request wants to do to a repository, in the terms of token scopes (<c>repository:name:pull,push,delete</c>).</summary>
internal enum RegistryAction
{
    Pull,
    Push,
    Delete,
}
