using EdgeRegistry.Origin.Configuration;
using static EdgeRegistry.Origin.Tests.Configuration.ConfigurationTestLoader;

namespace EdgeRegistry.Origin.Tests.Configuration;

/// <summary>Validation: every error names its full key path, and all errors are reported at once.</summary>
public sealed class OriginOptionsTests
{
    [Theory]
    [InlineData("version: 0.2", "version: must be 0.1")]
    [InlineData("version: 1", "version: must be 0.1")]
    public void Bind_WrongVersion_NamesVersion(string versionLine, string expected)
    {
        var error = Fail(SeedConfigurations.Minimal.Replace("version: 0.1", versionLine, StringComparison.Ordinal));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_BadUploadPurgingAge_NamesTheKeyAndValue()
    {
        var error = Fail(SeedConfigurations.GeneralStorageOptions.Replace("age: 168h", "age: 7x", StringComparison.Ordinal));

        Assert.Equal("storage.maintenance.uploadpurging.age: \"7x\" is not a duration", error.Message);
    }

    [Fact]
    public void Bind_BareIntegerDurationOutsideNotifications_AsksForAUnit()
    {
        var error = Fail(SeedConfigurations.GeneralStorageOptions.Replace("interval: 24h", "interval: 5", StringComparison.Ordinal));

        Assert.Equal("storage.maintenance.uploadpurging.interval: \"5\" is not a duration (give a unit, e.g. 5s)", error.Message);
    }

    [Theory]
    [InlineData("age: -1h", "storage.maintenance.uploadpurging.age: must not be negative")]
    [InlineData("age: 0s", "storage.maintenance.uploadpurging.age: must be greater than 0")]
    public void Bind_NonPositiveAge_IsRejected(string line, string expected)
    {
        var error = Fail(SeedConfigurations.GeneralStorageOptions.Replace("age: 168h", line, StringComparison.Ordinal));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_ZeroCacheTtl_DisablesTheCache()
    {
        var options = Load(SeedConfigurations.RegistryConfigurationFile.Replace("projectcachettl: 1m", "projectcachettl: 0m", StringComparison.Ordinal));

        Assert.Equal(TimeSpan.Zero, options.Middleware.OpenShift.ProjectCacheTtl);
    }

    [Theory]
    [InlineData("addr: nonsense", "http.addr: \"nonsense\" is not host:port or :port")]
    [InlineData("addr: 127.0.0.1", "http.addr: \"127.0.0.1\" is not host:port or :port")]
    [InlineData("addr: :99999", "http.addr: \":99999\" is not host:port or :port")]
    [InlineData("addr: ::1:5000", "http.addr: \"::1:5000\" is not host:port or :port")]
    [InlineData("host: registry.local", "http.host: \"registry.local\" is not an absolute http or https URL")]
    [InlineData("prefix: path/", "http.prefix: \"path/\" must start with /")]
    [InlineData("relativeurls: sometimes", "http.relativeurls: \"sometimes\" is not a boolean")]
    [InlineData("sendfile: often", "http.sendfile: \"often\" is not a boolean")]
    public void Bind_BadHttpValue_NamesTheKey(string line, string expected)
    {
        var error = Fail(WithMinimal("http:\n  " + line));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_HttpHostAndPrefix_AreParsedAndNormalised()
    {
        var options = Load(WithMinimal("""
            http:
              addr: "[::1]:0"
              host: https://registry.example.com:8443
              prefix: /registry
              relativeurls: true
              sendfile: true
              secret: asecretforlocaldevelopment
              headers:
                X-Content-Type-Options: [nosniff]
            """));

        Assert.Equal(new HttpListenAddress("::1", 0), options.Http.Listen);
        Assert.Equal("http://[::1]:0", options.Http.Listen.ToUrl("http"));
        Assert.Equal(new Uri("https://registry.example.com:8443"), options.Http.Host);
        Assert.Equal("/registry/", options.Http.Prefix);
        Assert.True(options.Http.RelativeUrls);
        Assert.True(options.Http.Sendfile);
        Assert.Equal("asecretforlocaldevelopment", options.Http.Secret);
        Assert.Equal(["nosniff"], options.Http.Headers["x-content-type-options"]);
    }

    [Fact]
    public void Bind_TlsCertificateWithoutKey_NamesTheKey()
    {
        var error = Fail(WithMinimal("http:\n  tls:\n    certificate: /etc/secrets/registry.crt"));

        Assert.Equal("http.tls.key: required when http.tls.certificate is set", error.Message);
    }

    [Fact]
    public void Bind_TlsKeyWithoutCertificate_NamesTheCertificate()
    {
        var error = Fail(WithMinimal("http:\n  tls:\n    key: /etc/secrets/registry.key"));

        Assert.Equal("http.tls.certificate: required when http.tls.key is set", error.Message);
    }

    [Theory]
    [InlineData("level: verbose", "log.level: must be one of error, warn, info, debug")]
    [InlineData("formatter: logfmt", "log.formatter: must be one of text, json")]
    [InlineData("hooks:\n    - type: mail", "log.hooks: mail hooks are not supported")]
    [InlineData("fields:\n    nested: {a: b}", "log.fields.nested: expected a string, found a mapping")]
    public void Bind_BadLogValue_NamesTheKey(string line, string expected)
    {
        var error = Fail(WithMinimal("log:\n  " + line));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_LogLevelInUpperCase_IsAccepted()
    {
        var options = Load(WithMinimal("log:\n  level: WARN\n  formatter: JSON"));

        Assert.Equal(RegistryLogLevel.Warn, options.Log.Level);
        Assert.Equal(LogFormat.Json, options.Log.Formatter);
    }

    [Fact]
    public void Bind_NoStorageDriver_SaysExactlyOne()
    {
        var error = Fail("version: 0.1\nstorage:\n  delete:\n    enabled: true");

        Assert.Equal("storage: exactly one driver (filesystem, inmemory, s3) must be configured", error.Message);
    }

    [Fact]
    public void Bind_TwoStorageDrivers_SaysExactlyOneAndNamesThem()
    {
        var error = Fail(SeedConfigurations.Minimal + "\n  inmemory: {}");

        Assert.Equal("storage: exactly one driver (filesystem, inmemory, s3) must be configured, found filesystem, inmemory", error.Message);
    }

    [Fact]
    public void Bind_UnknownKey_IsAnError()
    {
        var error = Fail("version: 0.1\nstorage:\n  filesystem:\n    rootdir: /registry");

        Assert.Equal("storage.filesystem.rootdir: unknown key", error.Message);
    }

    [Fact]
    public void Bind_UnknownTopLevelKeyAndDriver_AreErrors()
    {
        var error = Fail(SeedConfigurations.Minimal + "\n  azure:\n    accountname: a\nloglevel: debug");

        Assert.Equal(["storage.azure: unknown key", "loglevel: unknown key"], error.Errors);
    }

    [Fact]
    public void Bind_NonBooleanDelete_NamesTheKeyAndValue()
    {
        var error = Fail(SeedConfigurations.Minimal + "\n  delete:\n    enabled: yes please");

        Assert.Equal("storage.delete.enabled: \"yes please\" is not a boolean", error.Message);
    }

    [Fact]
    public void Bind_YamlOneOneBooleans_AreAccepted()
    {
        var options = Load(SeedConfigurations.Minimal + "\n  delete:\n    enabled: yes\n  redirect:\n    disable: on");

        Assert.True(options.Storage.DeleteEnabled);
        Assert.True(options.Storage.RedirectDisabled);
    }

    [Fact]
    public void Bind_SectionOfWrongType_SaysWhatWasExpected()
    {
        var error = Fail(WithMinimal("http: :5000"));

        Assert.Equal("http: expected a mapping, found a string", error.Message);
    }

    [Theory]
    [InlineData("maxthreads: many", "storage.filesystem.maxthreads: \"many\" is not an integer")]
    [InlineData("maxthreads: 10", "storage.filesystem.maxthreads: must be at least 25")]
    public void Bind_BadMaxThreads_NamesTheKey(string line, string expected)
    {
        var error = Fail(SeedConfigurations.Minimal + "\n    " + line);

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_S3MissingRequiredKeys_NamesEachKey()
    {
        var error = Fail("version: 0.1\nstorage:\n  s3:\n    accesskey: a\n    chunksize: 1024\n    regionendpoint: not a url");

        Assert.Equal(
            [
                "storage.s3.secretkey: accesskey and secretkey must be set together",
                "storage.s3.region: required",
                "storage.s3.bucket: required",
                "storage.s3.regionendpoint: \"not a url\" is not an absolute http or https URL",
                "storage.s3.chunksize: must be at least 5242880",
            ],
            error.Errors);
    }

    [Fact]
    public void Bind_ConflictingCacheNames_NamesLayerInfo()
    {
        var error = Fail(SeedConfigurations.Minimal + "\n  cache:\n    blobdescriptor: inmemory\n    layerinfo: redis\nredis:\n  addr: 127.0.0.1:6379");

        Assert.Equal("storage.cache.layerinfo: conflicts with storage.cache.blobdescriptor (layerinfo is its older name)", error.Message);
    }

    [Fact]
    public void Bind_RedisCacheWithoutRedis_NamesTheCacheKey()
    {
        var error = Fail(SeedConfigurations.Minimal + "\n  cache:\n    blobdescriptor: redis");

        Assert.Equal("storage.cache.blobdescriptor: redis requires the redis section (redis.addr)", error.Message);
    }

    [Theory]
    [InlineData("redis:\n  password: pw", "redis.addr: required")]
    [InlineData("redis:\n  addr: localhost", "redis.addr: \"localhost\" is not host:port")]
    [InlineData("redis:\n  addr: a:1\n  db: -1", "redis.db: must be at least 0")]
    [InlineData("redis:\n  addr: a:1\n  dialtimeout: soon", "redis.dialtimeout: \"soon\" is not a duration")]
    public void Bind_BadRedis_NamesTheKey(string section, string expected)
    {
        var error = Fail(WithMinimal(section));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("proxy:\n  remoteurl: https://registry-1.docker.io", "proxy: not supported: pull-through is the openshift repository middleware's pullthrough option")]
    [InlineData("reporting:\n  bugsnag:\n    apikey: k", "reporting: not supported")]
    [InlineData("auth:\n  htpasswd:\n    realm: r\n    path: /p", "auth.htpasswd: not supported; auth.openshift is the only auth provider (set auth.openshift.htpasswd.path for an htpasswd file)")]
    [InlineData("auth:\n  openshift:\n    tokenlifetime: forever", "auth.openshift.tokenlifetime: \"forever\" is not a duration")]
    [InlineData("auth:\n  openshift:\n    htpasswd: {}", "auth.openshift.htpasswd.path: required")]
    [InlineData("metadata:\n  driver: postgres", "metadata.postgres.connectionstring: required when metadata.driver is postgres")]
    [InlineData("metadata:\n  driver: mysql", "metadata.driver: must be one of sqlite, postgres")]
    [InlineData("health:\n  storagedriver:\n    threshold: 0", "health.storagedriver.threshold: must be at least 1")]
    public void Bind_BadOrUnsupportedSection_NamesTheKey(string section, string expected)
    {
        var error = Fail(WithMinimal(section));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_OpenShiftAuth_BindsEveryKey()
    {
        var options = Load(WithMinimal("""
            auth:
              openshift:
                realm: edge
                tokenlifetime: 1h30m
                htpasswd:
                  path: /etc/registry/htpasswd
                bootstrap:
                  enabled: true
            """));

        var auth = options.Auth!.OpenShift;
        Assert.Equal("edge", auth.Realm);
        Assert.Equal(TimeSpan.FromMinutes(90), auth.TokenLifetime);
        Assert.Equal("/etc/registry/htpasswd", auth.Htpasswd!.Path);
        Assert.True(auth.BootstrapEnabled);
    }

    [Theory]
    [InlineData("registry:\n    - name: silly", "middleware.registry[0].name: unknown registry middleware \"silly\" (known: openshift)")]
    [InlineData("repository:\n    - name: openshift\n      options:\n        pullthru: true", "middleware.repository[0].options.pullthru: unknown key")]
    [InlineData("repository:\n    - name: openshift\n      options:\n        enforcequota: maybe", "middleware.repository[0].options.enforcequota: \"maybe\" is not a boolean")]
    [InlineData("repository:\n    - options: {}", "middleware.repository[0].name: required")]
    [InlineData("repository:\n    - name: openshift\n    - name: openshift", "middleware.repository[1].name: \"openshift\" is listed twice")]
    [InlineData("storage:\n    - name: cloudfront\n      options:\n        baseurl: https://d.cloudfront.net/\n        privatekey: /k.pem\n        keypairid: K", "middleware.storage[0]: cloudfront requires the s3 storage driver")]
    [InlineData("storage: openshift", "middleware.storage: expected a list, found a string")]
    public void Bind_BadMiddleware_NamesTheKey(string section, string expected)
    {
        var error = Fail(WithMinimal("middleware:\n  " + section));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_CloudFrontWithoutKeys_NamesEachKey()
    {
        var error = Fail(SeedConfigurations.CloudFront
            .Replace("        privatekey: /etc/docker/cloudfront-ABCEDFGHIJKLMNOPQRST.pem\n", string.Empty, StringComparison.Ordinal)
            .Replace("baseurl: https://jrpbyn0k5k88bi.cloudfront.net/", "baseurl: jrpbyn0k5k88bi.cloudfront.net", StringComparison.Ordinal));

        Assert.Equal(
            [
                "middleware.storage[0].options.baseurl: \"jrpbyn0k5k88bi.cloudfront.net\" is not an absolute http or https URL",
                "middleware.storage[0].options.privatekey: required",
            ],
            error.Errors);
    }

    [Fact]
    public void Bind_DisabledRepositoryMiddleware_LeavesDefaults()
    {
        var options = Load(WithMinimal("middleware:\n  repository:\n    - name: openshift\n      disabled: true\n      options:\n        enforcequota: true"));

        Assert.True(Assert.Single(options.Middleware.Repository).Disabled);
        Assert.False(options.Middleware.OpenShift.EnforceQuota);
    }

    [Theory]
    [InlineData("- url: http://127.0.0.1:9/", "notifications.endpoints[0].name: required")]
    [InlineData("- name: a", "notifications.endpoints[0].url: required")]
    [InlineData("- name: a\n      url: ftp://host/", "notifications.endpoints[0].url: \"ftp://host/\" is not an absolute http or https URL")]
    [InlineData("- name: a\n      url: http://h/\n      timeout: soon", "notifications.endpoints[0].timeout: \"soon\" is not a duration")]
    [InlineData("- name: a\n      url: http://h/\n      threshold: 0", "notifications.endpoints[0].threshold: must be at least 1")]
    [InlineData("- name: a\n      url: http://h/\n      ignore:\n        actions: [tag]", "notifications.endpoints[0].ignore.actions: \"tag\" is not one of pull, push, delete, mount")]
    [InlineData("- name: a\n      url: http://h/\n    - name: a\n      url: http://g/", "notifications.endpoints[1].name: \"a\" is used by another endpoint")]
    [InlineData("- just a string", "notifications.endpoints[0]: expected a mapping, found a string")]
    public void Bind_BadNotificationEndpoint_NamesTheKey(string endpoints, string expected)
    {
        var error = Fail(WithMinimal("notifications:\n  endpoints:\n    " + endpoints));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Bind_SeveralErrors_ReportsAllOneLineEach()
    {
        var error = Fail("""
            version: 2
            log:
              level: loud
            http:
              addr: nowhere
              tls:
                certificate: /c.pem
            storage:
              filesystem:
                rootdir: /registry
              delete:
                enabled: yes please
              maintenance:
                uploadpurging:
                  age: 7x
            """);

        string[] expected =
        [
            "version: must be 0.1",
            "log.level: must be one of error, warn, info, debug",
            "http.addr: \"nowhere\" is not host:port or :port",
            "http.tls.key: required when http.tls.certificate is set",
            "storage.filesystem.rootdir: unknown key",
            "storage.delete.enabled: \"yes please\" is not a boolean",
            "storage.maintenance.uploadpurging.age: \"7x\" is not a duration",
        ];
        Assert.Equal(expected, error.Errors);
        Assert.Equal(string.Join('\n', expected), error.Message);
    }
}
