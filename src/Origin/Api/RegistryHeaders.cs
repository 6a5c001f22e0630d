namespace EdgeRegistry.Origin.Api;

/// <summary>Header names of the distribution API (OCI Distribution Spec v1.1 and Docker Registry v2).</summary>
internal static class RegistryHeaders
{
    public const string ApiVersion = "Docker-Distribution-API-Version";
    public const string ApiVersionValue = "registry/2.0";
    public const string ContentDigest = "Docker-Content-Digest";
    public const string UploadUuid = "Docker-Upload-UUID";
    public const string OciSubject = "OCI-Subject";
    public const string OciFiltersApplied = "OCI-Filters-Applied";

    /// <summary>HttpContext.Items key under which auth leaves the WWW-Authenticate challenge for a 401.</summary>
    public const string ChallengeItem = "edgeregistry.challenge";
}
