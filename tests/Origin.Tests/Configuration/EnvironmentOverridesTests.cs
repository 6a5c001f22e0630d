using EdgeRegistry.Origin.Configuration;
using static EdgeRegistry.Origin.Tests.Configuration.ConfigurationTestLoader;

namespace EdgeRegistry.Origin.Tests.Configuration;

public sealed class EnvironmentOverridesTests
{
    [Fact]
    public void Apply_HttpAddr_ReplacesTheFileValue()
    {
        var options = Load(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_HTTP_ADDR", "127.0.0.1:6000"));

        Assert.Equal("127.0.0.1:6000", options.Http.Addr);
        Assert.Equal(new HttpListenAddress("127.0.0.1", 6000), options.Http.Listen);
    }

    [Fact]
    public void Apply_TlsCertificateAndKey_CreateTheTlsSection()
    {
        var options = Load(
            SeedConfigurations.RegistryConfigurationFile,
            ("REGISTRY_HTTP_TLS_CERTIFICATE", "/etc/secrets/registry.crt"),
            ("REGISTRY_HTTP_TLS_KEY", "/etc/secrets/registry.key"));

        Assert.Equal("/etc/secrets/registry.crt", options.Http.Tls!.Certificate);
        Assert.Equal("/etc/secrets/registry.key", options.Http.Tls.Key);
    }

    [Fact]
    public void Apply_TlsCertificateAlone_ReportsTheMissingKey()
    {
        var error = Fail(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_HTTP_TLS_CERTIFICATE", "/etc/secrets/registry.crt"));

        Assert.Equal("http.tls.key: required when http.tls.certificate is set", error.Message);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Apply_DeleteEnabled_IsParsedAsABoolean(string value, bool expected)
    {
        var options = Load(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_STORAGE_DELETE_ENABLED", value));

        Assert.Equal(expected, options.Storage.DeleteEnabled);
    }

    [Fact]
    public void Apply_DeleteEnabledNotABoolean_NamesKeyAndVariable()
    {
        var error = Fail(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_STORAGE_DELETE_ENABLED", "yes please"));

        Assert.Equal("storage.delete.enabled: \"yes please\" is not a boolean (from REGISTRY_STORAGE_DELETE_ENABLED)", error.Message);
    }

    [Fact]
    public void Apply_FilesystemRootDirectory_ReplacesItAndMovesMetadata()
    {
        var options = Load(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/var/lib/registry"));

        Assert.Equal("/var/lib/registry", options.Storage.Filesystem!.RootDirectory);
        Assert.Equal("/var/lib/registry/metadata.db", options.Metadata.SqlitePath);
    }

    [Fact]
    public void Apply_OpenShiftEnforceQuota_OverridesTheMiddlewareOption()
    {
        var options = Load(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_ENFORCEQUOTA", "true"));

        Assert.True(options.Middleware.OpenShift.EnforceQuota);
        Assert.False(options.Middleware.OpenShift.AcceptSchema2);
        Assert.Equal("true", options.Middleware.Repository[0].Options["enforcequota"]);
    }

    [Fact]
    public void Apply_OpenShiftOptionsWithoutMiddlewareInFile_CreatesTheEntry()
    {
        var options = Load(
            SeedConfigurations.Minimal,
            ("REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_ACCEPTSCHEMA2", "false"),
            ("REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_BLOBREPOSITORYCACHETTL", "2m"));

        Assert.Equal("openshift", Assert.Single(options.Middleware.Repository).Name);
        Assert.False(options.Middleware.OpenShift.AcceptSchema2);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Middleware.OpenShift.BlobRepositoryCacheTtl);
    }

    [Fact]
    public void Apply_EmptyProjectCacheTtl_GivesTheDefault()
    {
        var file = SeedConfigurations.RegistryConfigurationFile.Replace("projectcachettl: 1m", "projectcachettl: 5m", StringComparison.Ordinal);

        var options = Load(file, ("REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_PROJECTCACHETTL", string.Empty));

        Assert.Equal(TimeSpan.FromMinutes(1), options.Middleware.OpenShift.ProjectCacheTtl);
    }

    [Fact]
    public void Apply_BadMiddlewareOption_NamesKeyAndVariable()
    {
        var error = Fail(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_PROJECTCACHETTL", "a while"));

        Assert.Equal(
            "middleware.repository[0].options.projectcachettl: \"a while\" is not a duration (from REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT_PROJECTCACHETTL)",
            error.Message);
    }

    [Fact]
    public void Apply_WholeMiddlewareEntry_IsRefused()
    {
        var error = Fail(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT", "{}"));

        Assert.Equal(
            "middleware.repository: a middleware entry cannot be replaced from the environment, only its options (from REGISTRY_MIDDLEWARE_REPOSITORY_OPENSHIFT)",
            error.Message);
    }

    [Fact]
    public void Apply_S3KeysOverFilesystemFile_SwitchesTheDriverAndKeepsGeneralOptions()
    {
        var options = Load(
            SeedConfigurations.RegistryConfigurationFile,
            ("REGISTRY_STORAGE_S3_BUCKET", "images"),
            ("REGISTRY_STORAGE_S3_REGION", "us-east-1"));

        Assert.Equal(StorageDriverKind.S3, options.Storage.Driver);
        Assert.Null(options.Storage.Filesystem);
        Assert.Equal("images", options.Storage.S3!.Bucket);
        Assert.Equal("us-east-1", options.Storage.S3.Region);
        Assert.True(options.Storage.DeleteEnabled);
        Assert.Equal(BlobDescriptorCacheKind.InMemory, options.Storage.BlobDescriptorCache);
        Assert.Equal("./data/metadata.db", options.Metadata.SqlitePath);
    }

    [Fact]
    public void Apply_S3BucketAlone_ReportsTheMissingRegion()
    {
        var error = Fail(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_STORAGE_S3_BUCKET", "images"));

        Assert.Equal("storage.s3.region: required", error.Message);
    }

    [Fact]
    public void Apply_StorageNamesADriver_ReplacesTheDriver()
    {
        var options = Load(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_STORAGE", "inmemory"));

        Assert.Equal(StorageDriverKind.InMemory, options.Storage.Driver);
        Assert.Null(options.Storage.Filesystem);
        Assert.True(options.Storage.DeleteEnabled);
    }

    [Fact]
    public void Apply_StorageDriverThenItsKeys_AppliesInNameOrder()
    {
        var options = Load(
            SeedConfigurations.RegistryConfigurationFile,
            ("REGISTRY_STORAGE_S3_REGION", "us-east-1"),
            ("REGISTRY_STORAGE_S3_BUCKET", "images"),
            ("REGISTRY_STORAGE", "s3"));

        Assert.Equal("images", options.Storage.S3!.Bucket);
    }

    [Fact]
    public void Apply_NamesInAnyCase_MatchTheFileKeys()
    {
        var options = Load(
            SeedConfigurations.RegistryConfigurationFile,
            ("REGISTRY_storage_Delete_ENABLED", "false"),
            ("REGISTRY_Http_Addr", ":7000"));

        Assert.False(options.Storage.DeleteEnabled);
        Assert.Equal(7000, options.Http.Listen.Port);
    }

    [Fact]
    public void Apply_ValuesAreYamlScalars_BoundToTheirTypes()
    {
        var options = Load(
            SeedConfigurations.GeneralStorageOptions,
            ("REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE", "24h"),
            ("REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_DRYRUN", "true"),
            ("REGISTRY_HEALTH_STORAGEDRIVER_THRESHOLD", "5"),
            ("REGISTRY_LOG_LEVEL", "warn"),
            ("REGISTRY_LOG_FIELDS_SERVICE", "registry"));

        Assert.Equal(TimeSpan.FromHours(24), options.Storage.Maintenance.UploadPurging.Age);
        Assert.True(options.Storage.Maintenance.UploadPurging.DryRun);
        Assert.Equal(5, options.Health.StorageDriverThreshold);
        Assert.Equal(RegistryLogLevel.Warn, options.Log.Level);
        Assert.Equal("registry", options.Log.Fields["service"]);
    }

    [Fact]
    public void Apply_ValueYamlReadsAsAComment_KeepsTheText()
    {
        var options = Load(
            SeedConfigurations.Minimal,
            ("REGISTRY_REDIS_ADDR", "127.0.0.1:6379"),
            ("REGISTRY_REDIS_PASSWORD", "#not-a-comment"));

        Assert.Equal("#not-a-comment", options.Redis!.Password);
    }

    [Fact]
    public void Apply_WholeListAsYaml_ReplacesTheList()
    {
        var options = Load(
            SeedConfigurations.Minimal,
            ("REGISTRY_NOTIFICATIONS_ENDPOINTS", "[{name: audit, url: 'http://127.0.0.1:9/events', timeout: 2s}]"));

        var endpoint = Assert.Single(options.Notifications.Endpoints);
        Assert.Equal("audit", endpoint.Name);
        Assert.Equal(TimeSpan.FromSeconds(2), endpoint.Timeout);
    }

    [Fact]
    public void Apply_KeyInsideAList_IsRefused()
    {
        var error = Fail(WithMinimal(SeedConfigurations.Notifications), ("REGISTRY_NOTIFICATIONS_ENDPOINTS_THRESHOLD", "3"));

        Assert.Equal("notifications.endpoints: is a list: its items cannot be set from the environment (from REGISTRY_NOTIFICATIONS_ENDPOINTS_THRESHOLD)", error.Message);
    }

    [Fact]
    public void Apply_UnknownKeyInASection_NamesKeyAndVariable()
    {
        var error = Fail(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_HTTP_ADR", ":5000"));

        Assert.Equal("http.adr: unknown key (from REGISTRY_HTTP_ADR)", error.Message);
    }

    [Fact]
    public void Apply_VariablesOutsideTheSections_AreIgnored()
    {
        var options = Load(
            SeedConfigurations.RegistryConfigurationFile,
            ("REGISTRY_SERVICE_HOST", "10.0.0.1"),
            ("REGISTRY_PORT", "tcp://10.0.0.1:5000"),
            ("REGISTRY_PORT_5000_TCP_ADDR", "10.0.0.1"),
            ("REGISTRY_CONFIGURATION_PATH", "/etc/docker/registry/config.yml"),
            ("REGISTRY__HTTP", "x"),
            ("PATH", "/usr/bin"));

        Assert.Equal(":5000", options.Http.Addr);
    }

    [Fact]
    public void Apply_ProxyFromEnvironment_IsRejected()
    {
        var error = Fail(SeedConfigurations.RegistryConfigurationFile, ("REGISTRY_PROXY_REMOTEURL", "https://registry-1.docker.io"));

        Assert.Equal("proxy: not supported: pull-through is the openshift repository middleware's pullthrough option (from REGISTRY_PROXY_REMOTEURL)", error.Message);
    }

    [Fact]
    public void Apply_ScalarOnThePath_IsReplacedByAMapping()
    {
        var options = Load(SeedConfigurations.Minimal + "\nauth:\n", ("REGISTRY_AUTH_OPENSHIFT_REALM", "edge"));

        Assert.Equal("edge", options.Auth!.OpenShift.Realm);
    }
}
