namespace EdgeRegistry.Distribution.Errors;

/// <summary>A protocol failure: carries the catalog entry, a message and an optional detail object.</summary>
public sealed class RegistryException(ErrorCode error, string? message = null, object? detail = null)
    : Exception(message ?? error.Message)
{
    public ErrorCode Error { get; } = error;

    public object? Detail { get; } = detail;
}
