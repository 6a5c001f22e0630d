namespace EdgeRegistry.Signing.Jws;

/// <summary>
/// A Docker schema1 signed manifest could not be signed or verified: it is not a JSON object, its
/// <c>signatures</c> are missing or malformed, or a signature does not verify. The message says which.
/// </summary>
public sealed class Schema1SignatureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public Schema1SignatureException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
