using System.Text.Json;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;

namespace EdgeRegistry.Distribution.Manifests;

/// <summary>
/// Reads and validates a pushed or fetched manifest: OCI image manifest and index (OCI image spec v1.1),
/// Docker image manifest v2 schema 2 and manifest list, Docker schema1 (signed or not).
/// </summary>
/// <remarks>
/// Every failure is a <see cref="RegistryException"/> with MANIFEST_INVALID, including a malformed digest
/// inside a descriptor: DIGEST_INVALID is the spec's code for content that does not match a digest the
/// client provided (the reference of a PUT), while a bad descriptor makes the manifest itself invalid.
/// The detail names the offending field (<c>{"field":"layers[1].digest"}</c>) where there is one.
/// Manifests are bounded (the origin caps them at 4 MiB), so the payload is parsed in memory.
/// </remarks>
public static class ManifestParser
{
    private const string ApplicationJson = "application/json";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // A manifest with a key twice means different things to different parsers (Go keeps the last
        // one); refuse it rather than validate one reading and serve another.
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>
    /// Parses <paramref name="payload"/>. <paramref name="contentType"/> is the request's Content-Type (its
    /// parameters are ignored); when it is absent or <c>application/json</c>, the type comes from the
    /// payload's <c>mediaType</c>, else from <c>schemaVersion</c> 1 (schema1, signed when it has
    /// <c>signatures</c>) or the shape of a version 2 document (<c>manifests</c>: OCI index, otherwise OCI
    /// image manifest). Throws <see cref="RegistryException"/> (MANIFEST_INVALID) when the payload is not a
    /// valid manifest of that type, when the Content-Type is not a manifest type, or when the payload's
    /// <c>mediaType</c> disagrees with the Content-Type.
    /// </summary>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> payload, string? contentType)
    {
        var declared = MediaTypes.Essence(contentType);
        if (declared is not null && declared != ApplicationJson && !MediaTypes.IsManifestType(declared))
        {
            throw Invalid($"unsupported manifest media type '{Truncate(declared)}'", null);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw Invalid($"manifest is not valid JSON: {e.Message}", null);
        }

        using (document)
        {
            try
            {
                return ParseRoot(document.RootElement, declared == ApplicationJson ? null : declared);
            }
            catch (InvalidOperationException e)
            {
                // GetString throws this for strings that are not valid UTF-8.
                throw Invalid($"manifest is not valid JSON: {e.Message}", null);
            }
        }
    }

    private static ParsedManifest ParseRoot(JsonElement root, string? declared)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("manifest must be a JSON object", null);
        }

        if (!root.TryGetProperty("schemaVersion", out var versionElement) || versionElement.ValueKind == JsonValueKind.Null)
        {
            throw Invalid("schemaVersion is missing", "schemaVersion");
        }

        if (versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out var schemaVersion))
        {
            throw Invalid("schemaVersion must be an integer", "schemaVersion");
        }

        var payloadType = OptionalString(root, "mediaType", "mediaType");
        var mediaType = EffectiveMediaType(root, declared, payloadType, schemaVersion);

        var expectedVersion = MediaTypes.IsSchema1(mediaType) ? 1 : 2;
        if (schemaVersion != expectedVersion)
        {
            throw Invalid($"schemaVersion must be {expectedVersion} for {mediaType}, not {schemaVersion}", "schemaVersion");
        }

        return mediaType switch
        {
            MediaTypes.OciManifest or MediaTypes.DockerManifest => ParseImageManifest(root, mediaType),
            MediaTypes.OciIndex or MediaTypes.DockerManifestList => ParseIndex(root, mediaType),
            _ => ParseSchema1(root, mediaType),
        };
    }

    private static string EffectiveMediaType(JsonElement root, string? declared, string? payloadType, int schemaVersion)
    {
        if (declared is not null)
        {
            // OCI Distribution Spec v1.1, "Pushing Manifests": when the manifest has a mediaType field,
            // the Content-Type must be that value.
            if (payloadType is not null && payloadType != declared)
            {
                throw Invalid($"manifest mediaType '{Truncate(payloadType)}' does not match Content-Type '{declared}'", "mediaType");
            }

            return declared;
        }

        if (payloadType is not null)
        {
            return MediaTypes.IsManifestType(payloadType)
                ? payloadType
                : throw Invalid($"unsupported manifest media type '{Truncate(payloadType)}'", "mediaType");
        }

        return schemaVersion switch
        {
            1 => root.TryGetProperty("signatures", out _) ? MediaTypes.DockerSchema1Signed : MediaTypes.DockerSchema1,
            2 => root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest,
            _ => throw Invalid($"unsupported schemaVersion {schemaVersion}", "schemaVersion"),
        };
    }

    private static ParsedManifest ParseImageManifest(JsonElement root, string mediaType)
    {
        // An image manifest that also carries "manifests" could be read as an index by another client
        // (the manifest/index confusion of CVE-2021-41190): refuse the ambiguity.
        if (IsPresent(root, "manifests"))
        {
            throw Invalid($"{mediaType} must not have a manifests field", "manifests");
        }

        var isOci = mediaType == MediaTypes.OciManifest;
        var config = ParseDescriptor(Required(root, "config", "config"), "config");
        var layers = ParseDescriptorArray(root, "layers");

        var blobs = new List<Descriptor>(layers.Count + 1) { config };
        var seen = new HashSet<Digest> { config.Digest };
        foreach (var layer in layers)
        {
            if (seen.Add(layer.Digest))
            {
                blobs.Add(layer);
            }
        }

        var artifactType = isOci ? OptionalString(root, "artifactType", "artifactType") : null;
        return new ParsedManifest
        {
            MediaType = mediaType,
            SchemaVersion = 2,
            Config = config,
            Layers = layers,
            Blobs = blobs,
            Subject = isOci ? OptionalDescriptor(root, "subject") : null,
            // OCI Distribution Spec v1.1, "Listing Referrers": an image manifest without an artifactType
            // is reported with its config's media type.
            ArtifactType = isOci ? (string.IsNullOrEmpty(artifactType) ? config.MediaType : artifactType) : null,
            Annotations = isOci ? AnnotationsText(root) : null,
        };
    }

    private static ParsedManifest ParseIndex(JsonElement root, string mediaType)
    {
        foreach (var field in (ReadOnlySpan<string>)["config", "layers"])
        {
            if (IsPresent(root, field))
            {
                throw Invalid($"{mediaType} must not have a {field} field", field);
            }
        }

        var isOci = mediaType == MediaTypes.OciIndex;
        var artifactType = isOci ? OptionalString(root, "artifactType", "artifactType") : null;
        return new ParsedManifest
        {
            MediaType = mediaType,
            SchemaVersion = 2,
            Manifests = ParseDescriptorArray(root, "manifests"),
            Subject = isOci ? OptionalDescriptor(root, "subject") : null,
            // "Listing Referrers": an index without an artifactType is listed without one.
            ArtifactType = string.IsNullOrEmpty(artifactType) ? null : artifactType,
            Annotations = isOci ? AnnotationsText(root) : null,
        };
    }

    private static ParsedManifest ParseSchema1(JsonElement root, string mediaType)
    {
        var fsLayers = Required(root, "fsLayers", "fsLayers");
        if (fsLayers.ValueKind != JsonValueKind.Array || fsLayers.GetArrayLength() == 0)
        {
            throw Invalid("fsLayers must be a non-empty array", "fsLayers");
        }

        if (IsPresent(root, "history"))
        {
            var history = root.GetProperty("history");
            if (history.ValueKind != JsonValueKind.Array || history.GetArrayLength() != fsLayers.GetArrayLength())
            {
                throw Invalid("history must be an array with one entry per fsLayers entry", "history");
            }
        }

        var layers = new List<Descriptor>(fsLayers.GetArrayLength());
        var blobs = new List<Descriptor>();
        var seen = new HashSet<Digest>();
        var index = 0;
        foreach (var entry in fsLayers.EnumerateArray())
        {
            var path = $"fsLayers[{index++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"{path} must be an object", path);
            }

            var digest = ParseDigest(entry, "blobSum", $"{path}.blobSum");
            var layer = new Descriptor(MediaTypes.DockerLayer, digest, Descriptor.UnknownSize);
            layers.Add(layer);
            if (seen.Add(digest))
            {
                blobs.Add(layer);
            }
        }

        return new ParsedManifest
        {
            MediaType = mediaType,
            SchemaVersion = 1,
            Layers = layers,
            Blobs = blobs,
        };
    }

    private static List<Descriptor> ParseDescriptorArray(JsonElement parent, string field)
    {
        var array = Required(parent, field, field);
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{field} must be an array", field);
        }

        var result = new List<Descriptor>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            result.Add(ParseDescriptor(item, $"{field}[{index++}]"));
        }

        return result;
    }

    private static Descriptor? OptionalDescriptor(JsonElement parent, string field) =>
        IsPresent(parent, field) ? ParseDescriptor(parent.GetProperty(field), field) : null;

    private static Descriptor ParseDescriptor(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path} must be a descriptor object", path);
        }

        var mediaType = OptionalString(element, "mediaType", $"{path}.mediaType");
        if (string.IsNullOrEmpty(mediaType))
        {
            throw Invalid($"{path}.mediaType is missing", $"{path}.mediaType");
        }

        var digest = ParseDigest(element, "digest", $"{path}.digest");

        var sizePath = $"{path}.size";
        var sizeElement = Required(element, "size", sizePath);
        if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt64(out var size) || size < 0)
        {
            throw Invalid($"{sizePath} must be a non-negative integer", sizePath);
        }

        // "data" (embedded content) is optional; only its type is checked, the bytes are not used here.
        OptionalString(element, "data", $"{path}.data");

        return new Descriptor(mediaType, digest, size)
        {
            ArtifactType = OptionalString(element, "artifactType", $"{path}.artifactType"),
            Annotations = ParseAnnotations(element, $"{path}.annotations"),
            Platform = ParsePlatform(element, $"{path}.platform"),
            Urls = ParseUrls(element, $"{path}.urls"),
        };
    }

    private static Digest ParseDigest(JsonElement parent, string field, string path)
    {
        var value = OptionalString(parent, field, path) ?? throw Invalid($"{path} is missing", path);
        return Digest.TryParse(value, out var digest, out var reason)
            ? digest
            : throw Invalid($"{path}: {reason}", path);
    }

    private static Platform? ParsePlatform(JsonElement parent, string path)
    {
        if (!IsPresent(parent, "platform"))
        {
            return null;
        }

        var element = parent.GetProperty("platform");
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path} must be an object", path);
        }

        var os = OptionalString(element, "os", $"{path}.os");
        var architecture = OptionalString(element, "architecture", $"{path}.architecture");
        if (string.IsNullOrEmpty(os) || string.IsNullOrEmpty(architecture))
        {
            throw Invalid($"{path} must have os and architecture", path);
        }

        return new Platform(os, architecture)
        {
            Variant = OptionalString(element, "variant", $"{path}.variant"),
            OsVersion = OptionalString(element, "os.version", $"{path}.os.version"),
        };
    }

    private static List<string>? ParseUrls(JsonElement parent, string path)
    {
        if (!IsPresent(parent, "urls"))
        {
            return null;
        }

        var element = parent.GetProperty("urls");
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{path} must be an array of strings", path);
        }

        var urls = new List<string>(element.GetArrayLength());
        foreach (var url in element.EnumerateArray())
        {
            urls.Add(url.ValueKind == JsonValueKind.String ? url.GetString()! : throw Invalid($"{path} must be an array of strings", path));
        }

        return urls;
    }

    private static Dictionary<string, string>? ParseAnnotations(JsonElement parent, string path)
    {
        if (!IsPresent(parent, "annotations"))
        {
            return null;
        }

        var element = parent.GetProperty("annotations");
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path} must be an object of strings", path);
        }

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            annotations[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw Invalid($"{path}.{property.Name} must be a string", $"{path}.{Truncate(property.Name)}");
        }

        return annotations;
    }

    /// <summary>Validates the top-level annotations and returns their text as it appears in the payload.</summary>
    private static string? AnnotationsText(JsonElement root) =>
        ParseAnnotations(root, "annotations") is null ? null : root.GetProperty("annotations").GetRawText();

    /// <summary>A property that is there and not JSON null (null is read as absent, as Go clients' encoders do).</summary>
    private static bool IsPresent(JsonElement parent, string field) =>
        parent.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    private static JsonElement Required(JsonElement parent, string field, string path) =>
        parent.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw Invalid($"{path} is missing", path);

    private static string? OptionalString(JsonElement parent, string field, string path)
    {
        if (!parent.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Invalid($"{path} must be a string", path);
    }

    private static RegistryException Invalid(string message, string? field) =>
        new(ErrorCode.ManifestInvalid, message, field is null ? null : new { field });

    private static string Truncate(string value) => value.Length <= 128 ? value : value[..128] + "...";
}
