namespace EdgeRegistry.Origin.Tests.Configuration;

/// <summary>The configuration examples of the seed (OpenShift 3 "Setting up the Registry"), verbatim except where noted.</summary>
internal static class SeedConfigurations
{
    /// <summary>3.5.3, Example 3.2: the registry configuration file deployed by default.</summary>
    public const string RegistryConfigurationFile = """
        version: 0.1
        log:
          level: debug
        http:
          addr: :5000
        storage:
          cache:
            blobdescriptor: inmemory
          filesystem:
            rootdirectory: /registry
          delete:
            enabled: true
        auth:
          openshift:
            realm: openshift
        middleware:
          registry:
            - name: openshift
          repository:
            - name: openshift
              options:
                acceptschema2: false
                pullthrough: true
                enforcequota: false
                projectcachettl: 1m
                blobrepositorycachettl: 10m
          storage:
            - name: openshift
        """;

    /// <summary>3.2.5.1.1: the S3 storage section (with version and nothing else around it).</summary>
    public const string S3Storage = """
        version: 0.1
        storage:
          cache:
            layerinfo: inmemory
          delete:
            enabled: true
          s3:
            accesskey: awsaccesskey
            secretkey: awssecretkey
            region: us-west-1
            regionendpoint: http://myobjects.local
            bucket: bucketname
            encrypt: true
            keyid: mykeyid
            secure: true
            v4auth: false
            chunksize: 5242880
            rootdirectory: /s3/object/name/prefix
        """;

    /// <summary>3.5.4.3, Example 3.3: general storage options, plus the filesystem driver they need.</summary>
    public const string GeneralStorageOptions = """
        version: 0.1
        storage:
          filesystem:
            rootdirectory: /registry
          delete:
            enabled: true
          redirect:
            disable: false
          cache:
            blobdescriptor: inmemory
          maintenance:
            uploadpurging:
              enabled: true
              age: 168h
              interval: 24h
              dryrun: false
            readonly:
              enabled: false
        """;

    /// <summary>
    /// 3.5.4.5.1: S3 with the CloudFront middleware. The seed indents <c>storage:</c> under middleware by three
    /// spaces, which is not valid YAML; fixed to two here.
    /// </summary>
    public const string CloudFront = """
        version: 0.1
        log:
          level: debug
        http:
          addr: :5000
        storage:
          cache:
            blobdescriptor: inmemory
          delete:
            enabled: true
          s3:
            accesskey: BJKMSZBRESWJQXRWMAEQ
            secretkey: 5ah5I91SNXbeoUXXDasFtadRqOdy62JzlnOW1goS
            region: us-east-1
            bucket: docker.myregistry.com
        auth:
          openshift:
            realm: openshift
        middleware:
          registry:
            - name: openshift
          repository:
            - name: openshift
          storage:
            - name: cloudfront
              options:
                baseurl: https://jrpbyn0k5k88bi.cloudfront.net/
                privatekey: /etc/docker/cloudfront-ABCEDFGHIJKLMNOPQRST.pem
                keypairid: ABCEDFGHIJKLMNOPQRST
            - name: openshift
        """;

    /// <summary>3.5.4.1: the log example.</summary>
    public const string Log = """
        log:
          level: debug
          formatter: text
          fields:
            service: registry
            environment: staging
        """;

    /// <summary>3.5.4.7: the http example.</summary>
    public const string Http = """
        http:
          addr: :5000
          tls:
            certificate: /etc/secrets/registry.crt
            key: /etc/secrets/registry.key
        """;

    /// <summary>3.5.4.8: the notifications example, its <c>https://url:port/path</c> placeholder given a real host and port.</summary>
    public const string Notifications = """
        notifications:
          endpoints:
            - name: registry
              disabled: false
              url: https://hooks.example.com:8443/path
              headers:
                Accept:
                  - text/plain
              timeout: 500
              threshold: 5
              backoff: 1000
        """;

    /// <summary>The minimum around a section example: version and a filesystem driver.</summary>
    public const string Minimal = """
        version: 0.1
        storage:
          filesystem:
            rootdirectory: /registry
        """;
}
