namespace EdgeRegistry.Origin.Storage;

/// <summary>
/// Implemented by drivers whose files are on the local file system, so blob GETs can be answered with
/// sendfile instead of a copy through user space.
/// </summary>
public interface ILocalFileStorage
{
    /// <summary>The absolute file-system path of a storage path.</summary>
    string GetLocalPath(string path);
}
