namespace EdgeRegistry.Signing.Keys;

/// <summary>
/// A PEM key could not be loaded. The message names the file and the reason, never key material.
/// </summary>
public sealed class PemKeyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Why loading failed.</param>
    /// <param name="path">The file the key came from, or null when it was given as text.</param>
    /// <param name="message">What went wrong and, where there is one, how to fix it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public PemKeyException(PemKeyError error, string? path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Path = path;
    }

    /// <summary>Why loading failed.</summary>
    public PemKeyError Error { get; }

    /// <summary>The file the key came from, or null when it was given as text.</summary>
    public string? Path { get; }
}
