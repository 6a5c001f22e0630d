using System.Net;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Origin.Access;

/// <summary>
/// Errors of the project, image stream and account APIs that the OCI catalog has no entry for. They travel in
/// the same error body (<c>{"errors":[{code,message,detail}]}</c>); UNAUTHORIZED and DENIED stay the catalog's.
/// </summary>
internal static class ApiErrors
{
    public static readonly ErrorCode NotFound = new("NOT_FOUND", HttpStatusCode.NotFound, "not found");

    public static readonly ErrorCode Invalid = new("INVALID", HttpStatusCode.BadRequest, "invalid request");

    public static readonly ErrorCode AlreadyExists = new("ALREADY_EXISTS", HttpStatusCode.Conflict, "already exists");
}
