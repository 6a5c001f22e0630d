namespace EdgeRegistry.Origin.Configuration;

/// <summary>
/// The configuration used when no file is given: a single machine listening on 127.0.0.1:5000, blobs under
/// <c>./data</c>, metadata in <c>./data/metadata.db</c> (derived from the root directory, so that
/// <c>REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY</c> moves both), deletes enabled (the seed calls
/// <c>delete.enabled</c> mandatory for pruning), and OpenShift auth with bootstrap: the first start creates an
/// administrator and writes its access token into the data directory, so nothing is open by accident. (An
/// explicit file without an <c>auth</c> section keeps distribution's behaviour: no auth.)
/// </summary>
internal static class OriginDefaultConfiguration
{
    public const string Yaml = """
        version: 0.1
        log:
          level: info
          formatter: text
        http:
          addr: 127.0.0.1:5000
        storage:
          filesystem:
            rootdirectory: ./data
          delete:
            enabled: true
          cache:
            blobdescriptor: inmemory
          maintenance:
            uploadpurging:
              enabled: true
              age: 168h
              interval: 24h
              dryrun: false
        middleware:
          registry:
            - name: openshift
          repository:
            - name: openshift
          storage:
            - name: openshift
        metadata:
          driver: sqlite
        auth:
          openshift:
            realm: openshift
            bootstrap:
              enabled: true
        """;
}
