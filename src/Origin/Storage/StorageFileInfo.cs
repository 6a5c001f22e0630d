namespace EdgeRegistry.Origin.Storage;

/// <summary>What <see cref="IStorageDriver.StatAsync"/> and <see cref="IStorageDriver.WalkAsync"/> report of a path.</summary>
public sealed record StorageFileInfo(string Path, long Size, DateTimeOffset ModifiedTime, bool IsDirectory);
