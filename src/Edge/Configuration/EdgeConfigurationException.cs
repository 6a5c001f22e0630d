namespace EdgeRegistry.Edge.Configuration;

/// <summary>The configuration cannot be used; <see cref="Errors"/> has one line per problem, each naming its key.</summary>
public sealed class EdgeConfigurationException(IReadOnlyList<string> errors)
    : Exception("invalid edge configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
