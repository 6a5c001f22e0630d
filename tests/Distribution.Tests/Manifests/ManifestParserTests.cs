using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using static EdgeRegistry.Distribution.Tests.Manifests.ManifestPayloads;

namespace EdgeRegistry.Distribution.Tests.Manifests;

public sealed class ManifestParserTests
{
    [Fact]
    public void Parse_OciImageManifest_ConfigLayersAndBlobs()
    {
        var json = OciManifest();

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        Assert.Equal(MediaTypes.OciManifest, parsed.MediaType);
        Assert.Equal(2, parsed.SchemaVersion);
        Assert.False(parsed.IsIndex);
        Assert.NotNull(parsed.Config);
        Assert.Equal(MediaTypes.OciConfig, parsed.Config.MediaType);
        Assert.Equal(DigestOf(ConfigJson), parsed.Config.Digest.ToString());
        Assert.Equal(Encoding.UTF8.GetByteCount(ConfigJson), parsed.Config.Size);
        Assert.Equal(LayerDigests(json), parsed.Layers.Select(l => l.Digest.ToString()));
        Assert.Equal((int)json["layers"]![1]!["size"]!, parsed.Layers[1].Size);
        Assert.Equal([DigestOf(ConfigJson), .. LayerDigests(json)], parsed.Blobs.Select(b => b.Digest.ToString()));
        Assert.Empty(parsed.Manifests);
        Assert.Null(parsed.Subject);
        // No artifactType: the referrers API reports the config's media type.
        Assert.Equal(MediaTypes.OciConfig, parsed.ArtifactType);
    }

    [Fact]
    public void Parse_Annotations_RawObjectText()
    {
        const string payload = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
             "layers":[],
             "annotations": {"a": "1",  "b":"two"}}
            """;

        var parsed = ManifestParser.Parse(Encoding.UTF8.GetBytes(payload), MediaTypes.OciManifest);

        Assert.Equal("""{"a": "1",  "b":"two"}""", parsed.Annotations);
        Assert.Empty(parsed.Layers);
        Assert.Single(parsed.Blobs);
    }

    [Fact]
    public void Parse_NoAnnotations_Null()
    {
        var json = OciManifest();
        json.Remove("annotations");

        Assert.Null(ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest).Annotations);
    }

    [Fact]
    public void Parse_DescriptorFields_Read()
    {
        var json = OciManifest();
        var layer = json["layers"]![0]!.AsObject();
        layer["annotations"] = new JsonObject { ["org.opencontainers.image.title"] = "rootfs.tar.gz" };
        layer["urls"] = new JsonArray("https://mirror.example.invalid/layer");
        layer["artifactType"] = "application/vnd.example+type";

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        var first = parsed.Layers[0];
        Assert.Equal(MediaTypes.OciLayerTarGzip, first.MediaType);
        Assert.Equal("rootfs.tar.gz", first.Annotations!["org.opencontainers.image.title"]);
        Assert.Equal(["https://mirror.example.invalid/layer"], first.Urls!);
        Assert.Equal("application/vnd.example+type", first.ArtifactType);
        Assert.Null(parsed.Layers[1].Annotations);
        Assert.Null(parsed.Layers[1].Urls);
        Assert.Null(parsed.Layers[1].Platform);
    }

    [Fact]
    public void Parse_OciManifestWithoutMediaTypeField_UsesContentType()
    {
        var json = OciManifest();
        json.Remove("mediaType");

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        Assert.Equal(MediaTypes.OciManifest, parsed.MediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    public void Parse_NoManifestContentType_TypeFromPayloadMediaType(string? contentType)
    {
        Assert.Equal(MediaTypes.OciManifest, ManifestParser.Parse(Bytes(OciManifest()), contentType).MediaType);
        Assert.Equal(MediaTypes.DockerManifest, ManifestParser.Parse(Bytes(DockerManifest()), contentType).MediaType);
        Assert.Equal(MediaTypes.OciIndex, ManifestParser.Parse(Bytes(OciIndex()), contentType).MediaType);
        Assert.Equal(MediaTypes.DockerManifestList, ManifestParser.Parse(Bytes(DockerManifestList()), contentType).MediaType);
    }

    [Fact]
    public void Parse_NoContentTypeNoMediaType_DetectedFromShape()
    {
        var manifest = OciManifest();
        manifest.Remove("mediaType");
        var index = OciIndex();
        index.Remove("mediaType");

        Assert.Equal(MediaTypes.OciManifest, ManifestParser.Parse(Bytes(manifest), null).MediaType);
        Assert.Equal(MediaTypes.OciIndex, ManifestParser.Parse(Bytes(index), "application/json").MediaType);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.manifest.v1+json; charset=utf-8")]
    [InlineData("  Application/VND.oci.image.manifest.v1+json ")]
    public void Parse_ContentTypeWithParametersOrCase_Accepted(string contentType)
    {
        Assert.Equal(MediaTypes.OciManifest, ManifestParser.Parse(Bytes(OciManifest()), contentType).MediaType);
    }

    [Fact]
    public void Parse_OciIndex_ChildrenWithPlatforms()
    {
        var json = OciIndex();

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciIndex);

        Assert.True(parsed.IsIndex);
        Assert.Null(parsed.Config);
        Assert.Empty(parsed.Layers);
        Assert.Empty(parsed.Blobs);
        Assert.Equal(2, parsed.Manifests.Count);
        Assert.Equal(DigestOf(OciManifest().ToJsonString()), parsed.Manifests[0].Digest.ToString());
        Assert.Equal(new Platform("linux", "amd64"), parsed.Manifests[0].Platform);
        Assert.Equal(new Platform("linux", "arm") { Variant = "v7" }, parsed.Manifests[1].Platform);
        Assert.Null(parsed.ArtifactType);
        Assert.Null(parsed.Subject);
    }

    [Fact]
    public void Parse_PlatformOsVersion_Read()
    {
        var json = DockerManifestList();
        json["manifests"]![1]!["platform"]!["os.version"] = "10.0.17763.1879";

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.DockerManifestList);

        Assert.Equal("windows", parsed.Manifests[1].Platform!.Os);
        Assert.Equal("10.0.17763.1879", parsed.Manifests[1].Platform!.OsVersion);
        Assert.Null(parsed.Manifests[0].Platform!.OsVersion);
    }

    [Fact]
    public void Parse_EmptyIndex_NoChildren()
    {
        var json = OciIndex();
        json["manifests"] = new JsonArray();

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciIndex);

        Assert.Empty(parsed.Manifests);
        Assert.True(parsed.IsIndex);
    }

    [Fact]
    public void Parse_DockerSchema2_NoArtifactTypeNoSubject()
    {
        var json = DockerManifest();

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.DockerManifest);

        Assert.Equal(MediaTypes.DockerManifest, parsed.MediaType);
        Assert.Equal(MediaTypes.DockerConfig, parsed.Config!.MediaType);
        Assert.Equal(LayerDigests(json), parsed.Layers.Select(l => l.Digest.ToString()));
        Assert.Equal(3, parsed.Blobs.Count);
        Assert.Null(parsed.ArtifactType);
        Assert.Null(parsed.Subject);
    }

    [Fact]
    public void Parse_DockerForeignLayer_UrlsRead()
    {
        var json = DockerManifest();
        var foreign = Layer(9, "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
        foreign["urls"] = new JsonArray("https://go.microsoft.invalid/fwlink/?linkid=837858");
        json["layers"]!.AsArray().Insert(0, foreign);

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.DockerManifest);

        Assert.Equal(["https://go.microsoft.invalid/fwlink/?linkid=837858"], parsed.Layers[0].Urls!);
    }

    [Fact]
    public void Parse_DockerManifestList_Children()
    {
        var json = DockerManifestList();

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.DockerManifestList);

        Assert.True(parsed.IsIndex);
        Assert.Equal(2, parsed.Manifests.Count);
        Assert.All(parsed.Manifests, m => Assert.Equal(MediaTypes.DockerManifest, m.MediaType));
        Assert.Equal("windows", parsed.Manifests[1].Platform!.Os);
    }

    [Fact]
    public void Parse_DuplicateLayers_BlobsOnceLayersAll()
    {
        var json = OciManifest();
        json["layers"]!.AsArray().Add(Layer(1));

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        Assert.Equal(4, parsed.Layers.Count);
        Assert.Equal(4, parsed.Blobs.Count);
        Assert.Equal(parsed.Blobs.Count, parsed.Blobs.Select(b => b.Digest).Distinct().Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    public void Parse_Schema1Signed_BlobSumsOnce(string? contentType)
    {
        var parsed = ManifestParser.Parse(Bytes(Schema1(signed: true)), contentType);

        Assert.Equal(MediaTypes.DockerSchema1Signed, parsed.MediaType);
        Assert.Equal(1, parsed.SchemaVersion);
        Assert.Null(parsed.Config);
        Assert.Equal([DigestOf("empty"), DigestOf("rootfs"), DigestOf("empty")], parsed.Layers.Select(l => l.Digest.ToString()));
        Assert.Equal([DigestOf("empty"), DigestOf("rootfs")], parsed.Blobs.Select(l => l.Digest.ToString()));
        Assert.All(parsed.Layers, l => Assert.Equal(Descriptor.UnknownSize, l.Size));
        Assert.Null(parsed.ArtifactType);
        Assert.Null(parsed.Subject);
    }

    [Theory]
    [InlineData(null, MediaTypes.DockerSchema1)]
    [InlineData(MediaTypes.DockerSchema1, MediaTypes.DockerSchema1)]
    [InlineData(MediaTypes.DockerSchema1Signed, MediaTypes.DockerSchema1Signed)]
    public void Parse_Schema1Unsigned_TypeFromContentTypeOrUnsigned(string? contentType, string expected)
    {
        var parsed = ManifestParser.Parse(Bytes(Schema1(signed: false)), contentType);

        Assert.Equal(expected, parsed.MediaType);
        Assert.Equal(2, parsed.Blobs.Count);
    }

    [Fact]
    public void Parse_ArtifactWithArtifactType_SubjectAndArtifactType()
    {
        var subject = OciManifest();
        var json = Artifact("application/vnd.example.sbom.v1", subject);

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        Assert.Equal("application/vnd.example.sbom.v1", parsed.ArtifactType);
        Assert.NotNull(parsed.Subject);
        Assert.Equal(DigestOf(subject.ToJsonString()), parsed.Subject.Digest.ToString());
        Assert.Equal(MediaTypes.OciManifest, parsed.Subject.MediaType);
        Assert.Equal(MediaTypes.OciEmpty, parsed.Config!.MediaType);
        Assert.Equal(DigestOf("{}"), parsed.Config.Digest.ToString());
        Assert.Equal(2, parsed.Blobs.Count);
        Assert.Contains("org.opencontainers.image.created", parsed.Annotations);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_ArtifactWithoutArtifactType_ConfigMediaType(string? artifactType)
    {
        var parsed = ManifestParser.Parse(Bytes(Artifact(artifactType, OciManifest())), null);

        Assert.Equal(MediaTypes.OciEmpty, parsed.ArtifactType);
    }

    [Fact]
    public void Parse_ArtifactWithCustomConfig_ConfigMediaTypeIsArtifactType()
    {
        var json = OciManifest();
        json["config"] = DescriptorOf("application/vnd.cncf.helm.config.v1+json", """{"name":"chart","version":"1.0.0"}""");
        json["layers"] = new JsonArray(DescriptorOf("application/vnd.cncf.helm.chart.content.v1.tar+gzip", "chart bytes"));

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        Assert.Equal("application/vnd.cncf.helm.config.v1+json", parsed.ArtifactType);
    }

    [Fact]
    public void Parse_IndexWithArtifactTypeAndSubject_Read()
    {
        var subject = OciManifest();
        var json = OciIndex();
        json["artifactType"] = "application/vnd.example.bundle";
        json["subject"] = DescriptorOf(MediaTypes.OciManifest, subject.ToJsonString());
        json["annotations"] = new JsonObject { ["k"] = "v" };

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciIndex);

        Assert.Equal("application/vnd.example.bundle", parsed.ArtifactType);
        Assert.Equal(DigestOf(subject.ToJsonString()), parsed.Subject!.Digest.ToString());
        Assert.Equal("""{"k":"v"}""", parsed.Annotations);
    }

    [Fact]
    public void Parse_NullOptionalFields_ReadAsAbsent()
    {
        var json = OciManifest();
        json["subject"] = null;
        json["annotations"] = null;
        json["artifactType"] = null;
        json["layers"]![0]!["urls"] = null;

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        Assert.Null(parsed.Subject);
        Assert.Null(parsed.Annotations);
        Assert.Equal(MediaTypes.OciConfig, parsed.ArtifactType);
        Assert.Null(parsed.Layers[0].Urls);
    }

    [Fact]
    public void Parse_Sha512Digests_Accepted()
    {
        var json = OciManifest();
        json["layers"]![0]!["digest"] = DigestHasher.Compute("x"u8, Digest.Sha512).ToString();

        var parsed = ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest);

        Assert.Equal(Digest.Sha512, parsed.Layers[0].Digest.Algorithm);
    }

    [Fact]
    public void OciEmptyDigest_IsDigestOfEmptyObject()
    {
        Assert.Equal(MediaTypes.OciEmptyDigest, DigestOf("{}"));
    }

    // Failures

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("""{"schemaVersion":2,}""")]
    [InlineData("""{"schemaVersion":2 /* comment */}""")]
    [InlineData("""{"schemaVersion":2}{"schemaVersion":2}""")]
    public void Parse_InvalidJson_ManifestInvalid(string payload)
    {
        AssertInvalid(Encoding.UTF8.GetBytes(payload), null);
    }

    [Fact]
    public void Parse_InvalidUtf8_ManifestInvalid()
    {
        var payload = Bytes(OciManifest());
        var text = Encoding.UTF8.GetString(payload);
        var index = text.IndexOf("https://", StringComparison.Ordinal);
        payload[index] = 0xC3;
        payload[index + 1] = 0x28;

        AssertInvalid(payload, MediaTypes.OciManifest);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"manifest\"")]
    [InlineData("2")]
    [InlineData("null")]
    public void Parse_NotAnObject_ManifestInvalid(string payload)
    {
        var error = AssertInvalid(Encoding.UTF8.GetBytes(payload), MediaTypes.OciManifest);

        Assert.Contains("object", error.Message);
    }

    [Fact]
    public void Parse_DuplicateKey_ManifestInvalid()
    {
        var json = OciManifest().ToJsonString();
        var payload = json.Insert(1, $"\"config\":{DescriptorOf(MediaTypes.OciConfig, "other").ToJsonString()},");

        AssertInvalid(Encoding.UTF8.GetBytes(payload), MediaTypes.OciManifest);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"2\"")]
    [InlineData("2.5")]
    [InlineData("3")]
    [InlineData("1")]
    [InlineData("true")]
    public void Parse_BadSchemaVersion_ManifestInvalidOnSchemaVersion(string? version)
    {
        var json = OciManifest();
        json.Remove("schemaVersion");
        if (version is not null)
        {
            json["schemaVersion"] = JsonNode.Parse(version);
        }

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "schemaVersion");
        AssertInvalid(Bytes(json), null);
    }

    [Fact]
    public void Parse_Schema1WithVersion2_ManifestInvalid()
    {
        var json = Schema1(signed: true);
        json["schemaVersion"] = 2;

        AssertInvalid(Bytes(json), MediaTypes.DockerSchema1Signed, "schemaVersion");
    }

    [Fact]
    public void Parse_NoMediaTypeAndVersion3_ManifestInvalid()
    {
        var json = OciManifest();
        json.Remove("mediaType");
        json["schemaVersion"] = 3;

        AssertInvalid(Bytes(json), null, "schemaVersion");
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("text/plain")]
    [InlineData("application/vnd.oci.image.config.v1+json")]
    [InlineData("application/vnd.oci.artifact.manifest.v1+json")]
    public void Parse_UnsupportedContentType_ManifestInvalid(string contentType)
    {
        var error = AssertInvalid(Bytes(OciManifest()), contentType);

        Assert.Contains("unsupported manifest media type", error.Message);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+gzip")]
    [InlineData("application/vnd.OCI.image.manifest.v1+json")]
    [InlineData("")]
    public void Parse_UnknownPayloadMediaTypeWithoutContentType_ManifestInvalid(string mediaType)
    {
        var json = OciManifest();
        json["mediaType"] = mediaType;

        AssertInvalid(Bytes(json), null, "mediaType");
    }

    [Fact]
    public void Parse_PayloadMediaTypeNotString_ManifestInvalid()
    {
        var json = OciManifest();
        json["mediaType"] = 7;

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "mediaType");
    }

    [Theory]
    [InlineData(MediaTypes.DockerManifest)]
    [InlineData(MediaTypes.OciIndex)]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    public void Parse_ContentTypeDisagreesWithPayload_ManifestInvalid(string contentType)
    {
        var error = AssertInvalid(Bytes(OciManifest()), contentType, "mediaType");

        Assert.Contains("does not match Content-Type", error.Message);
    }

    [Theory]
    [InlineData("config")]
    [InlineData("layers")]
    public void Parse_ImageManifestMissingRequiredField_ManifestInvalid(string field)
    {
        var oci = OciManifest();
        oci.Remove(field);
        var docker = DockerManifest();
        docker.Remove(field);

        AssertInvalid(Bytes(oci), MediaTypes.OciManifest, field);
        AssertInvalid(Bytes(docker), null, field);
    }

    [Fact]
    public void Parse_IndexMissingManifests_ManifestInvalid()
    {
        var oci = OciIndex();
        oci.Remove("manifests");
        var docker = DockerManifestList();
        docker.Remove("manifests");

        AssertInvalid(Bytes(oci), MediaTypes.OciIndex, "manifests");
        AssertInvalid(Bytes(docker), MediaTypes.DockerManifestList, "manifests");
    }

    [Fact]
    public void Parse_LayersNotArray_ManifestInvalid()
    {
        var json = OciManifest();
        json["layers"] = Layer(1);

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "layers");
    }

    [Fact]
    public void Parse_ManifestWithManifestsField_ManifestInvalid()
    {
        var json = OciManifest();
        json["manifests"] = OciIndex()["manifests"]!.DeepClone();

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "manifests");
    }

    [Theory]
    [InlineData("config")]
    [InlineData("layers")]
    public void Parse_IndexWithImageField_ManifestInvalid(string field)
    {
        var json = OciIndex();
        json[field] = OciManifest()[field]!.DeepClone();

        AssertInvalid(Bytes(json), MediaTypes.OciIndex, field);
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("md5:5d41402abc4b2a76b9719d911017c592")]
    [InlineData("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824")]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    [InlineData("")]
    public void Parse_MalformedLayerDigest_ManifestInvalidNamingField(string digest)
    {
        var json = OciManifest();
        json["layers"]![1]!["digest"] = digest;

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "layers[1].digest");
    }

    [Fact]
    public void Parse_MalformedConfigDigest_ManifestInvalid()
    {
        var json = DockerManifest();
        json["config"]!["digest"] = "sha256:nothex";

        AssertInvalid(Bytes(json), MediaTypes.DockerManifest, "config.digest");
    }

    [Fact]
    public void Parse_MalformedChildDigest_ManifestInvalid()
    {
        var json = OciIndex();
        json["manifests"]![0]!["digest"] = "sha256:1234";

        AssertInvalid(Bytes(json), MediaTypes.OciIndex, "manifests[0].digest");
    }

    [Fact]
    public void Parse_MalformedSubjectDigest_ManifestInvalid()
    {
        var json = Artifact("application/vnd.example", OciManifest());
        json["subject"]!["digest"] = "sha256:1234";

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "subject.digest");
    }

    [Theory]
    [InlineData("digest")]
    [InlineData("size")]
    [InlineData("mediaType")]
    public void Parse_DescriptorMissingField_ManifestInvalid(string field)
    {
        var json = OciManifest();
        json["layers"]![2]!.AsObject().Remove(field);

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, $"layers[2].{field}");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"100\"")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999")]
    public void Parse_BadSize_ManifestInvalid(string size)
    {
        var json = OciManifest();
        json["config"]!["size"] = JsonNode.Parse(size);

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "config.size");
    }

    [Fact]
    public void Parse_DescriptorNotObject_ManifestInvalid()
    {
        var json = OciManifest();
        json["layers"]![0] = "sha256:" + new string('a', 64);

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "layers[0]");
    }

    [Fact]
    public void Parse_AnnotationNotString_ManifestInvalid()
    {
        var json = OciManifest();
        json["annotations"]!["count"] = 3;

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "annotations.count");
    }

    [Fact]
    public void Parse_AnnotationsNotObject_ManifestInvalid()
    {
        var json = OciManifest();
        json["layers"]![0]!["annotations"] = new JsonArray("a");

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "layers[0].annotations");
    }

    [Fact]
    public void Parse_ArtifactTypeNotString_ManifestInvalid()
    {
        var json = OciManifest();
        json["artifactType"] = new JsonObject();

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "artifactType");
    }

    [Fact]
    public void Parse_UrlsNotStrings_ManifestInvalid()
    {
        var json = OciManifest();
        json["layers"]![0]!["urls"] = new JsonArray(1, 2);

        AssertInvalid(Bytes(json), MediaTypes.OciManifest, "layers[0].urls");
    }

    [Theory]
    [InlineData("os")]
    [InlineData("architecture")]
    public void Parse_PlatformMissingRequired_ManifestInvalid(string field)
    {
        var json = OciIndex();
        json["manifests"]![0]!["platform"]!.AsObject().Remove(field);

        AssertInvalid(Bytes(json), MediaTypes.OciIndex, "manifests[0].platform");
    }

    [Fact]
    public void Parse_Schema1WithoutFsLayers_ManifestInvalid()
    {
        var missing = Schema1(signed: true);
        missing.Remove("fsLayers");
        var empty = Schema1(signed: true);
        empty["fsLayers"] = new JsonArray();

        AssertInvalid(Bytes(missing), MediaTypes.DockerSchema1Signed, "fsLayers");
        AssertInvalid(Bytes(empty), null, "fsLayers");
    }

    [Fact]
    public void Parse_Schema1BadBlobSum_ManifestInvalid()
    {
        var json = Schema1(signed: false);
        json["fsLayers"]![1]!["blobSum"] = "sha256:zz";

        AssertInvalid(Bytes(json), MediaTypes.DockerSchema1, "fsLayers[1].blobSum");
    }

    [Fact]
    public void Parse_Schema1HistoryLengthMismatch_ManifestInvalid()
    {
        var json = Schema1(signed: true);
        json["history"]!.AsArray().RemoveAt(0);

        AssertInvalid(Bytes(json), MediaTypes.DockerSchema1Signed, "history");
    }

    [Fact]
    public void Parse_Failure_BodyCarriesCodeAndField()
    {
        var json = OciManifest();
        json["layers"]![0]!["size"] = -5;

        var error = Assert.Throws<RegistryException>(() => ManifestParser.Parse(Bytes(json), MediaTypes.OciManifest));

        using var body = JsonDocument.Parse(ErrorBody.Serialize(error));
        var entry = body.RootElement.GetProperty("errors")[0];
        Assert.Equal("MANIFEST_INVALID", entry.GetProperty("code").GetString());
        Assert.Contains("layers[0].size", entry.GetProperty("message").GetString());
        Assert.Equal("layers[0].size", entry.GetProperty("detail").GetProperty("field").GetString());
    }

    private static IEnumerable<string> LayerDigests(JsonObject manifest) =>
        manifest["layers"]!.AsArray().Select(l => (string)l!["digest"]!);

    private static RegistryException AssertInvalid(byte[] payload, string? contentType, string? field = null)
    {
        var error = Assert.Throws<RegistryException>(() => ManifestParser.Parse(payload, contentType));
        Assert.Equal(ErrorCode.ManifestInvalid, error.Error);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        if (field is not null)
        {
            using var body = JsonDocument.Parse(ErrorBody.Serialize(error));
            Assert.Equal(field, body.RootElement.GetProperty("errors")[0].GetProperty("detail").GetProperty("field").GetString());
        }

        return error;
    }
}
