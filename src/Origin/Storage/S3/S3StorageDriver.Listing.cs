using System.Runtime.CompilerServices;
using Amazon.S3.Model;

namespace EdgeRegistry.Origin.Storage.S3;

/// <summary>Listing and walking: key listings below a directory prefix, partial files listed with their size.</summary>
internal sealed partial class S3StorageDriver
{
    /// <inheritdoc/>
    /// <remarks>
    /// Lists the keys below without a delimiter, skipping past a child directory's keys with
    /// <c>start-after</c> once a page ends inside it: as many requests as pages of files plus at most one
    /// per child directory, and the same answer from every S3-compatible store (some report common
    /// prefixes only one level deep).
    /// </remarks>
    public async Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken)
    {
        var directoryPrefix = DirectoryPrefix(path);
        var children = new SortedSet<string>(StringComparer.Ordinal);
        var found = false;
        string? startAfter = null;
        while (true)
        {
            var page = await ListPageAsync(directoryPrefix, startAfter, ListPageSize, cancellationToken);
            if (page.S3Objects is not { Count: > 0 } objects)
            {
                break;
            }

            found = true;
            string? lastDirectory = null;
            foreach (var entry in objects)
            {
                var relative = entry.Key[directoryPrefix.Length..];
                var slash = relative.IndexOf('/', StringComparison.Ordinal);
                var name = slash < 0 ? relative : relative[..slash];
                lastDirectory = slash < 0 ? null : name;
                if (slash < 0 && name.StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    name = name[PartialPrefix.Length..];
                }
                else if (name.StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (IsValidName(name))
                {
                    children.Add(StoragePath.Join(path, name));
                }
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            startAfter = lastDirectory is null ? objects[^1].Key : directoryPrefix + lastDirectory + "/" + AfterEveryKey;
        }

        if (!found && path != StoragePath.Root)
        {
            // No key below: a missing directory, or a file.
            throw new StoragePathNotFoundException(path);
        }

        return [.. children];
    }

    public async IAsyncEnumerable<StorageFileInfo> WalkAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var directoryPrefix = DirectoryPrefix(path);
        var found = false;
        var partials = new List<string>();
        string? startAfter = null;
        while (true)
        {
            var page = await ListPageAsync(directoryPrefix, startAfter, ListPageSize, cancellationToken);
            if (page.S3Objects is not { Count: > 0 } objects)
            {
                break;
            }

            foreach (var entry in objects)
            {
                found = true;
                var relative = entry.Key[directoryPrefix.Length..];
                if (!relative.Split('/').All(IsValidName))
                {
                    continue;
                }

                var filePath = StoragePath.Join(path, relative);
                if (StoragePath.Name(filePath).StartsWith(PartialPrefix, StringComparison.Ordinal))
                {
                    partials.Add(filePath);
                    continue;
                }

                yield return new StorageFileInfo(filePath, entry.Size ?? 0, ToTime(entry.LastModified), IsDirectory: false);
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            startAfter = objects[^1].Key;
        }

        if (!found && path != StoragePath.Root)
        {
            throw new StoragePathNotFoundException(path);
        }

        // Partial files are rare (uploads in flight): each costs two HEADs, the first skipping a file whose
        // committed object is there (and was walked already).
        foreach (var partialPath in partials)
        {
            var filePath = StoragePath.Join(StoragePath.Parent(partialPath), StoragePath.Name(partialPath)[PartialPrefix.Length..]);
            if (await TryHeadAsync(Key(filePath), cancellationToken) is null
                && await TryHeadAsync(PartialKey(filePath), cancellationToken) is { } partial)
            {
                yield return new StorageFileInfo(filePath, PartialSize(partial), ToTime(partial.LastModified), IsDirectory: false);
            }
        }
    }

    // Pages go by start-after (the last key seen) rather than continuation tokens, which lets a listing
    // skip a whole prefix and needs nothing of the store but key order.
    private Task<ListObjectsV2Response> ListPageAsync(string keyPrefix, string? startAfter, int maxKeys, CancellationToken cancellationToken) =>
        ExecuteAsync("ListObjectsV2", keyPrefix, token => client.ListObjectsV2Async(
            new ListObjectsV2Request
            {
                BucketName = Bucket,
                Prefix = keyPrefix,
                StartAfter = startAfter,
                MaxKeys = maxKeys,
            },
            token), cancellationToken);
}
