using System.Net;

namespace EdgeRegistry.Distribution.Errors;

/// <summary>
/// One entry of the OCI error catalog (OCI Distribution Spec v1.1, "Error Codes"), with the HTTP
/// status the spec gives it. Every protocol failure is one of these.
/// </summary>
public sealed record ErrorCode(string Code, HttpStatusCode Status, string Message)
{
    public static readonly ErrorCode BlobUnknown = new("BLOB_UNKNOWN", HttpStatusCode.NotFound, "blob unknown to registry");
    public static readonly ErrorCode BlobUploadInvalid = new("BLOB_UPLOAD_INVALID", HttpStatusCode.BadRequest, "blob upload invalid");
    public static readonly ErrorCode BlobUploadUnknown = new("BLOB_UPLOAD_UNKNOWN", HttpStatusCode.NotFound, "blob upload unknown to registry");
    public static readonly ErrorCode DigestInvalid = new("DIGEST_INVALID", HttpStatusCode.BadRequest, "provided digest did not match uploaded content");
    public static readonly ErrorCode ManifestBlobUnknown = new("MANIFEST_BLOB_UNKNOWN", HttpStatusCode.BadRequest, "manifest references a manifest or blob unknown to registry");
    public static readonly ErrorCode ManifestInvalid = new("MANIFEST_INVALID", HttpStatusCode.BadRequest, "manifest invalid");
    public static readonly ErrorCode ManifestUnknown = new("MANIFEST_UNKNOWN", HttpStatusCode.NotFound, "manifest unknown to registry");
    public static readonly ErrorCode NameInvalid = new("NAME_INVALID", HttpStatusCode.BadRequest, "invalid repository name");
    public static readonly ErrorCode NameUnknown = new("NAME_UNKNOWN", HttpStatusCode.NotFound, "repository name not known to registry");
    public static readonly ErrorCode SizeInvalid = new("SIZE_INVALID", HttpStatusCode.BadRequest, "provided length did not match content length");
    public static readonly ErrorCode Unauthorized = new("UNAUTHORIZED", HttpStatusCode.Unauthorized, "authentication required");
    public static readonly ErrorCode Denied = new("DENIED", HttpStatusCode.Forbidden, "requested access to the resource is denied");
    public static readonly ErrorCode Unsupported = new("UNSUPPORTED", HttpStatusCode.MethodNotAllowed, "the operation is unsupported");
    public static readonly ErrorCode TooManyRequests = new("TOOMANYREQUESTS", HttpStatusCode.TooManyRequests, "too many requests");
    /// <summary>Range or Content-Range that cannot be satisfied; the spec answers 416 with this code.</summary>
    public static readonly ErrorCode RangeInvalid = new("BLOB_UPLOAD_INVALID", HttpStatusCode.RequestedRangeNotSatisfiable, "requested range not satisfiable");
    /// <summary>A manifest over the size limit (distribution answers 413 with MANIFEST_INVALID... we follow the spec's code).</summary>
    public static readonly ErrorCode ManifestTooLarge = new("SIZE_INVALID", HttpStatusCode.RequestEntityTooLarge, "manifest too large");
    /// <summary>An <c>n</c> that is not a non-negative integer (distribution's extension of the catalog).</summary>
    public static readonly ErrorCode PaginationNumberInvalid = new("PAGINATION_NUMBER_INVALID", HttpStatusCode.BadRequest, "invalid number of results requested");
    /// <summary>A path under /v2 that names no endpoint.</summary>
    public static readonly ErrorCode NotFound = new("UNSUPPORTED", HttpStatusCode.NotFound, "no such endpoint");
    /// <summary>A dependency (storage, upstream) is unavailable; retryable.</summary>
    public static readonly ErrorCode Unavailable = new("UNAVAILABLE", HttpStatusCode.ServiceUnavailable, "service unavailable");
    /// <summary>Anything unexpected: logged once, answered without internals.</summary>
    public static readonly ErrorCode Unknown = new("UNKNOWN", HttpStatusCode.InternalServerError, "unknown error");
}
