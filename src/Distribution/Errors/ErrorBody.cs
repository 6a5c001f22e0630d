using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeRegistry.Distribution.Errors;

/// <summary>The spec's error body: <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
public static class ErrorBody
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static byte[] Serialize(string code, string message, object? detail = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new { errors = new[] { new { code, message, detail } } }, Options);

    public static byte[] Serialize(RegistryException exception) =>
        Serialize(exception.Error.Code, exception.Message, exception.Detail);

    /// <summary>
    /// One body listing several errors (the spec returns one BLOB_UNKNOWN per missing blob of a manifest).
    /// The HTTP status is the caller's choice, usually the first error's.
    /// </summary>
    public static byte[] Serialize(IEnumerable<RegistryException> exceptions) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new { errors = exceptions.Select(e => new { code = e.Error.Code, message = e.Message, detail = e.Detail }).ToArray() },
            Options);
}
