using EdgeRegistry.Origin.Configuration;
using static EdgeRegistry.Origin.Tests.Configuration.ConfigurationTestLoader;

namespace EdgeRegistry.Origin.Tests.Configuration;

public sealed class OriginConfigurationLoaderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "edgeregistry-config-" + Guid.NewGuid().ToString("N"));

    public OriginConfigurationLoaderTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void LoadYaml_SeedRegistryConfigurationFile_BindsEverySection()
    {
        var options = Load(SeedConfigurations.RegistryConfigurationFile);

        Assert.Equal("0.1", options.Version);
        Assert.Equal(RegistryLogLevel.Debug, options.Log.Level);
        Assert.Equal(":5000", options.Http.Addr);
        Assert.True(options.Http.Listen.AllInterfaces);
        Assert.Equal(5000, options.Http.Listen.Port);
        Assert.Equal(StorageDriverKind.Filesystem, options.Storage.Driver);
        Assert.Equal("/registry", options.Storage.Filesystem!.RootDirectory);
        Assert.Null(options.Storage.S3);
        Assert.True(options.Storage.DeleteEnabled);
        Assert.Equal(BlobDescriptorCacheKind.InMemory, options.Storage.BlobDescriptorCache);
        Assert.Equal("openshift", options.Auth!.OpenShift.Realm);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Auth.OpenShift.TokenLifetime);
        Assert.Equal(["openshift"], options.Middleware.Registry.Select(m => m.Name));
        Assert.Equal(["openshift"], options.Middleware.Repository.Select(m => m.Name));
        Assert.Equal(["openshift"], options.Middleware.Storage.Select(m => m.Name));
        Assert.False(options.Middleware.OpenShift.AcceptSchema2);
        Assert.True(options.Middleware.OpenShift.PullThrough);
        Assert.False(options.Middleware.OpenShift.EnforceQuota);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Middleware.OpenShift.ProjectCacheTtl);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Middleware.OpenShift.BlobRepositoryCacheTtl);
        Assert.Equal("false", options.Middleware.Repository[0].Options["acceptschema2"]);
        Assert.Equal(MetadataDriverKind.Sqlite, options.Metadata.Driver);
        Assert.Equal("/registry/metadata.db", options.Metadata.SqlitePath);
    }

    [Fact]
    public void LoadYaml_SeedS3Storage_BindsS3AndLayerInfoAlias()
    {
        var options = Load(SeedConfigurations.S3Storage);

        Assert.Equal(StorageDriverKind.S3, options.Storage.Driver);
        Assert.Null(options.Storage.Filesystem);
        var s3 = options.Storage.S3!;
        Assert.Equal("awsaccesskey", s3.AccessKey);
        Assert.Equal("awssecretkey", s3.SecretKey);
        Assert.Equal("us-west-1", s3.Region);
        Assert.Equal(new Uri("http://myobjects.local"), s3.RegionEndpoint);
        Assert.Equal("bucketname", s3.Bucket);
        Assert.True(s3.Encrypt);
        Assert.Equal("mykeyid", s3.KeyId);
        Assert.True(s3.Secure);
        Assert.False(s3.V4Auth);
        Assert.Equal(5242880, s3.ChunkSize);
        Assert.Equal("/s3/object/name/prefix", s3.RootDirectory);
        Assert.True(s3.ForcePathStyle);
        Assert.True(options.Storage.DeleteEnabled);
        Assert.Equal(BlobDescriptorCacheKind.InMemory, options.Storage.BlobDescriptorCache);
        Assert.Equal("./data/metadata.db", options.Metadata.SqlitePath);
    }

    [Fact]
    public void LoadYaml_S3WithoutOptionalKeys_TakesDistributionDefaults()
    {
        var options = Load("""
            version: 0.1
            storage:
              s3:
                region: eu-west-1
                bucket: b
            """);

        var s3 = options.Storage.S3!;
        Assert.Null(s3.AccessKey);
        Assert.Null(s3.SecretKey);
        Assert.Null(s3.RegionEndpoint);
        Assert.False(s3.Encrypt);
        Assert.True(s3.Secure);
        Assert.True(s3.V4Auth);
        Assert.Equal(10 * 1024 * 1024, s3.ChunkSize);
        Assert.Equal(string.Empty, s3.RootDirectory);
        Assert.False(s3.ForcePathStyle);
    }

    [Fact]
    public void LoadYaml_SeedGeneralStorageOptions_BindsMaintenance()
    {
        var options = Load(SeedConfigurations.GeneralStorageOptions);

        Assert.True(options.Storage.DeleteEnabled);
        Assert.False(options.Storage.RedirectDisabled);
        var purging = options.Storage.Maintenance.UploadPurging;
        Assert.True(purging.Enabled);
        Assert.Equal(TimeSpan.FromHours(168), purging.Age);
        Assert.Equal(TimeSpan.FromHours(24), purging.Interval);
        Assert.False(purging.DryRun);
        Assert.False(options.Storage.Maintenance.ReadOnly);
    }

    [Fact]
    public void LoadYaml_SeedCloudFront_BindsCloudFrontMiddleware()
    {
        var options = Load(SeedConfigurations.CloudFront);

        var cloudFront = options.Middleware.CloudFront!;
        Assert.Equal(new Uri("https://jrpbyn0k5k88bi.cloudfront.net/"), cloudFront.BaseUrl);
        Assert.Equal("/etc/docker/cloudfront-ABCEDFGHIJKLMNOPQRST.pem", cloudFront.PrivateKey);
        Assert.Equal("ABCEDFGHIJKLMNOPQRST", cloudFront.KeyPairId);
        Assert.Equal(TimeSpan.FromMinutes(20), cloudFront.Duration);
        Assert.Equal("none", cloudFront.IpFilteredBy);
        Assert.Equal(["cloudfront", "openshift"], options.Middleware.Storage.Select(m => m.Name));
        Assert.Equal("BJKMSZBRESWJQXRWMAEQ", options.Storage.S3!.AccessKey);
        Assert.True(options.Middleware.OpenShift.AcceptSchema2);
    }

    [Fact]
    public void LoadYaml_SeedCloudFrontAsPrinted_ReportsTheYamlErrorWithItsLine()
    {
        var printed = SeedConfigurations.CloudFront.Replace("\n  storage:\n    - name: cloudfront", "\n   storage:\n    - name: cloudfront", StringComparison.Ordinal);
        Assert.NotEqual(SeedConfigurations.CloudFront, printed);

        var error = Fail(printed);

        Assert.StartsWith("test.yml: line ", Assert.Single(error.Errors));
    }

    [Fact]
    public void LoadYaml_SeedLog_BindsLevelFormatterAndFields()
    {
        var options = Load(WithMinimal(SeedConfigurations.Log));

        Assert.Equal(RegistryLogLevel.Debug, options.Log.Level);
        Assert.Equal(LogFormat.Text, options.Log.Formatter);
        Assert.Equal("registry", options.Log.Fields["service"]);
        Assert.Equal("staging", options.Log.Fields["environment"]);
    }

    [Fact]
    public void LoadYaml_SeedHttp_BindsTls()
    {
        var options = Load(WithMinimal(SeedConfigurations.Http));

        Assert.Equal("/etc/secrets/registry.crt", options.Http.Tls!.Certificate);
        Assert.Equal("/etc/secrets/registry.key", options.Http.Tls.Key);
        Assert.Equal("tls1.2", options.Http.Tls.MinimumTls);
        Assert.Equal("https://*:5000", options.Http.Listen.ToUrl("https"));
    }

    [Fact]
    public void LoadYaml_SeedNotifications_ReadsBareIntegersAsMilliseconds()
    {
        var options = Load(WithMinimal(SeedConfigurations.Notifications));

        var endpoint = Assert.Single(options.Notifications.Endpoints);
        Assert.Equal("registry", endpoint.Name);
        Assert.False(endpoint.Disabled);
        Assert.Equal(new Uri("https://hooks.example.com:8443/path"), endpoint.Url);
        Assert.Equal(["text/plain"], endpoint.Headers["accept"]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), endpoint.Timeout);
        Assert.Equal(5, endpoint.Threshold);
        Assert.Equal(TimeSpan.FromSeconds(1), endpoint.Backoff);
    }

    [Fact]
    public void LoadYaml_NotificationDurationsWithUnits_AreGoDurations()
    {
        var options = Load(WithMinimal("""
            notifications:
              endpoints:
                - name: a
                  url: http://127.0.0.1:9/hook
                  timeout: 300ms
                  backoff: 1h30m
                  ignoredmediatypes: [application/octet-stream]
                  ignore:
                    actions: [pull]
            """));

        var endpoint = Assert.Single(options.Notifications.Endpoints);
        Assert.Equal(TimeSpan.FromMilliseconds(300), endpoint.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(90), endpoint.Backoff);
        Assert.Equal(10, endpoint.Threshold);
        Assert.Equal(["application/octet-stream"], endpoint.IgnoredMediaTypes);
        Assert.Equal(["pull"], endpoint.IgnoredActions);
    }

    [Fact]
    public void LoadYaml_HealthRedisAndMetadata_Bind()
    {
        var options = Load(WithMinimal("""
            health:
              storagedriver:
                enabled: true
                interval: 10s
                threshold: 3
            redis:
              addr: 127.0.0.1:6379
              password: pw
              db: 2
              dialtimeout: 10ms
              readtimeout: 10ms
              writetimeout: 10ms
              pool:
                maxidle: 8
                maxactive: 32
                idletimeout: 300s
              tls:
                enabled: true
            metadata:
              driver: postgres
              postgres:
                connectionstring: Host=127.0.0.1;Database=registry
            """));

        Assert.True(options.Health.StorageDriverEnabled);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Health.StorageDriverInterval);
        Assert.Equal(3, options.Health.StorageDriverThreshold);
        var redis = options.Redis!;
        Assert.Equal("127.0.0.1:6379", redis.Addr);
        Assert.Equal("pw", redis.Password);
        Assert.Equal(2, redis.Db);
        Assert.Equal(TimeSpan.FromMilliseconds(10), redis.DialTimeout);
        Assert.Equal(8, redis.Pool.MaxIdle);
        Assert.Equal(32, redis.Pool.MaxActive);
        Assert.Equal(TimeSpan.FromMinutes(5), redis.Pool.IdleTimeout);
        Assert.True(redis.TlsEnabled);
        Assert.Equal(MetadataDriverKind.Postgres, options.Metadata.Driver);
        Assert.Equal("Host=127.0.0.1;Database=registry", options.Metadata.PostgresConnectionString);
    }

    [Fact]
    public void LoadYaml_OnlyRequiredKeys_TakesDefaults()
    {
        var options = Load(SeedConfigurations.Minimal);

        Assert.Equal(RegistryLogLevel.Info, options.Log.Level);
        Assert.Equal(LogFormat.Text, options.Log.Formatter);
        Assert.Empty(options.Log.Fields);
        Assert.Equal("127.0.0.1:5000", options.Http.Addr);
        Assert.Equal(new HttpListenAddress("127.0.0.1", 5000), options.Http.Listen);
        Assert.Null(options.Http.Tls);
        Assert.False(options.Storage.DeleteEnabled);
        Assert.Null(options.Storage.BlobDescriptorCache);
        Assert.True(options.Storage.Maintenance.UploadPurging.Enabled);
        Assert.Equal(TimeSpan.FromHours(168), options.Storage.Maintenance.UploadPurging.Age);
        Assert.Equal(100, options.Storage.Filesystem!.MaxThreads);
        Assert.Null(options.Auth);
        Assert.Null(options.Redis);
        Assert.Empty(options.Notifications.Endpoints);
        Assert.False(options.Health.StorageDriverEnabled);
        Assert.True(options.Middleware.OpenShift.AcceptSchema2);
        Assert.True(options.Middleware.OpenShift.PullThrough);
        Assert.True(options.Middleware.OpenShift.MirrorPullThrough);
        Assert.False(options.Middleware.OpenShift.EnforceQuota);
        Assert.Null(options.Middleware.CloudFront);
    }

    [Fact]
    public void LoadYaml_InMemoryDriver_UsesDataDirectoryForMetadata()
    {
        var options = Load("""
            version: 0.1
            storage:
              inmemory:
            """);

        Assert.Equal(StorageDriverKind.InMemory, options.Storage.Driver);
        Assert.True(options.Storage.InMemory);
        Assert.Equal("./data/metadata.db", options.Metadata.SqlitePath);
    }

    [Fact]
    public void LoadYaml_EmptyProxyAndReporting_AreAccepted()
    {
        var options = Load(SeedConfigurations.Minimal + "\nproxy:\nreporting: {}\n");

        Assert.Equal("0.1", options.Version);
    }

    [Fact]
    public void Load_NoPathAndNoVariable_UsesEmbeddedDefault()
    {
        var options = OriginConfigurationLoader.Load(null, new Dictionary<string, string>());

        Assert.Equal("0.1", options.Version);
        Assert.Equal(new HttpListenAddress("127.0.0.1", 5000), options.Http.Listen);
        Assert.Equal(StorageDriverKind.Filesystem, options.Storage.Driver);
        Assert.Equal("./data", options.Storage.Filesystem!.RootDirectory);
        Assert.True(options.Storage.DeleteEnabled);
        Assert.Equal(MetadataDriverKind.Sqlite, options.Metadata.Driver);
        Assert.Equal("./data/metadata.db", options.Metadata.SqlitePath);
        Assert.Equal(RegistryLogLevel.Info, options.Log.Level);
    }

    [Fact]
    public void Load_EmbeddedDefaultWithRootDirectoryVariable_MovesMetadataToo()
    {
        var options = OriginConfigurationLoader.Load(null, new Dictionary<string, string>
        {
            ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] = "/srv/registry",
        });

        Assert.Equal("/srv/registry", options.Storage.Filesystem!.RootDirectory);
        Assert.Equal("/srv/registry/metadata.db", options.Metadata.SqlitePath);
    }

    [Fact]
    public void Load_PathFromVariable_ReadsThatFile()
    {
        var file = WriteFile("from-env.yml", SeedConfigurations.S3Storage);

        var options = OriginConfigurationLoader.Load(null, new Dictionary<string, string>
        {
            ["REGISTRY_CONFIGURATION_PATH"] = file,
        });

        Assert.Equal("bucketname", options.Storage.S3!.Bucket);
    }

    [Fact]
    public void Load_PathArgumentAndVariable_ArgumentWins()
    {
        var fromArgument = WriteFile("argument.yml", SeedConfigurations.RegistryConfigurationFile);
        var fromVariable = WriteFile("variable.yml", SeedConfigurations.S3Storage);

        var options = OriginConfigurationLoader.Load(fromArgument, new Dictionary<string, string>
        {
            ["REGISTRY_CONFIGURATION_PATH"] = fromVariable,
        });

        Assert.Equal(StorageDriverKind.Filesystem, options.Storage.Driver);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var missing = Path.Combine(_directory, "missing.yml");

        var error = Assert.Throws<ConfigurationException>(() => OriginConfigurationLoader.Load(missing, new Dictionary<string, string>()));

        Assert.Equal($"{missing}: configuration file not found", error.Message);
    }

    [Fact]
    public void LoadYaml_DuplicateKey_IsASyntaxErrorWithItsLine()
    {
        var error = Fail("version: 0.1\nversion: 0.1\n");

        Assert.StartsWith("test.yml: line 2", Assert.Single(error.Errors));
    }

    [Fact]
    public void LoadYaml_TopLevelList_IsRejected()
    {
        var error = Fail("- a\n- b\n");

        Assert.Equal("test.yml: expected a mapping at the top level, found a list", error.Message);
    }

    [Fact]
    public void LoadYaml_EmptyDocument_ReportsMissingVersionAndStorage()
    {
        var error = Fail(string.Empty);

        Assert.Equal(
            ["version: must be 0.1", "storage: exactly one driver (filesystem, inmemory, s3) must be configured"],
            error.Errors);
    }

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
