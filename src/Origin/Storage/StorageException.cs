namespace EdgeRegistry.Origin.Storage;

/// <summary>Base of the storage driver's typed errors.</summary>
public abstract class StorageException(string message, Exception? inner = null) : Exception(message, inner);
