using Amazon.S3.Model;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>How driver paths map to object keys, and the small conversions of S3 answers.</summary>
internal sealed partial class S3StorageDriver
{
    private static long PartialSize(GetObjectMetadataResponse head) =>
        head.Metadata[S3PartialFile.SizeMetadata] is { } text && long.TryParse(text, out var size) ? size : 0;

    private static string? PartialUploadId(GetObjectMetadataResponse head) =>
        head.Metadata[S3PartialFile.UploadIdMetadata] is { Length: > 0 } uploadId ? uploadId : null;

    private static DateTimeOffset ToTime(DateTime? time) =>
        time is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;

    private static ArraySegment<byte> AsArraySegment(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment) ? segment : new ArraySegment<byte>(content.ToArray());

    // A name a listing may report: one valid, visible path component.
    private static bool IsValidName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.AsSpan().IndexOfAny('\\', '\0') < 0;

    private static bool IsPartialKey(string key) =>
        key[(key.LastIndexOf('/') + 1)..].StartsWith(PartialPrefix, StringComparison.Ordinal);

    private static string FileKeyOfPartial(string partialKey)
    {
        var slash = partialKey.LastIndexOf('/');
        return partialKey[..(slash + 1)] + partialKey[(slash + 1 + PartialPrefix.Length)..];
    }

    /// <summary>
    /// The object key of the file <paramref name="path"/> in <see cref="Bucket"/>: the root directory (without
    /// its leading slash) followed by the path, as CNCF distribution's <c>S3BucketKey</c> gives it to the
    /// CloudFront middleware. An invalid path raises <see cref="InvalidStoragePathException"/>.
    /// </summary>
    internal string ObjectKey(string path) => FileKey(path);

    private string FileKey(string path) => Key(StoragePath.ValidateFile(path));

    /// <summary>The key prefix of everything below a directory path (the root included).</summary>
    private string DirectoryPrefix(string path)
    {
        StoragePath.ValidateDirectory(path);
        return path == StoragePath.Root ? prefix : Key(path) + "/";
    }

    // The partial record's name is reserved, so it is built past the check of Key.
    private string PartialKey(string path) =>
        prefix + StoragePath.Join(StoragePath.Parent(path), PartialPrefix + StoragePath.Name(path))[1..];

    private string Key(string path)
    {
        if (path.Length > 1)
        {
            foreach (var range in path.AsSpan(1).Split('/'))
            {
                if (path.AsSpan(1)[range].StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    throw new InvalidStoragePathException(path);
                }
            }
        }

        return prefix + path[1..];
    }
}
