using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Origin.Metadata;

namespace EdgeRegistry.Origin.Api;

/// <summary>
/// <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> (OCI Distribution Spec v1.1, "Listing Referrers"):
/// an image index of the manifests whose <c>subject</c> is the digest, filtered by <c>artifactType</c> with
/// <c>OCI-Filters-Applied</c>; an empty index when nothing refers.
/// </summary>
internal sealed class ReferrerEndpoints(IMetadataStore metadata)
{
    public async Task HandleAsync(HttpContext context, V2Route route, CancellationToken cancellationToken)
    {
        var subject = Digest.Parse(route.Argument);
        var artifactType = context.Request.Query["artifactType"].ToString();
        var filter = artifactType.Length == 0 ? null : artifactType;
        var referrers = await metadata.ListReferrersAsync(route.Repository, subject, filter, cancellationToken);

        var manifests = new JsonArray();
        foreach (var referrer in referrers)
        {
            var descriptor = new JsonObject
            {
                ["mediaType"] = referrer.MediaType,
                ["digest"] = referrer.Digest.ToString(),
                ["size"] = referrer.Size,
            };
            if (referrer.ArtifactType is { } type)
            {
                descriptor["artifactType"] = type;
            }

            if (referrer.Annotations is { } annotations)
            {
                descriptor["annotations"] = JsonNode.Parse(annotations);
            }

            manifests.Add(descriptor);
        }

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = manifests,
        };
        if (filter is not null)
        {
            context.Response.Headers[RegistryHeaders.OciFiltersApplied] = "artifactType";
        }

        context.Response.ContentType = MediaTypes.OciIndex;
        await JsonSerializer.SerializeAsync(context.Response.Body, index, cancellationToken: cancellationToken);
    }
}
