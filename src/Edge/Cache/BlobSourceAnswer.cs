using Prometheus;

namespace EdgeRegistry.Edge.Cache;

/// <summary>
/// What a <see cref="BlobSource"/> answered: a body to copy into the fill (with its announced length, whether the
/// stream checks the digest itself, and the counter of fetched bytes), or a refusal. Dispose it to release the
/// connection.
/// </summary>
internal sealed class BlobSourceAnswer : IAsyncDisposable
{
    private readonly IDisposable? owner;

    private BlobSourceAnswer(FillStart start, Stream? body, long? length, bool verifiesDigest, ICounter? fetched, IDisposable? owner)
    {
        Start = start;
        Body = body;
        Length = length;
        VerifiesDigest = verifiesDigest;
        Fetched = fetched;
        this.owner = owner;
    }

    /// <summary><see cref="FillStart.Ok"/> when <see cref="Body"/> streams; otherwise the refusal.</summary>
    public FillStart Start { get; }

    public Stream? Body { get; }

    /// <summary>The length the source announced (Content-Length), when it did.</summary>
    public long? Length { get; }

    /// <summary>
    /// True when <see cref="Body"/> hashes what it returns and throws (an <see cref="IOException"/>) instead of
    /// ending when the bytes do not match the digest or the length: the fill then does not hash them again.
    /// </summary>
    public bool VerifiesDigest { get; }

    /// <summary>Counts the bytes fetched from this source.</summary>
    public ICounter? Fetched { get; }

    public static BlobSourceAnswer Refused(FillStart start) => new(start, null, null, false, null, null);

    public static BlobSourceAnswer Streaming(Stream body, long? length, bool verifiesDigest, ICounter fetched, IDisposable owner) =>
        new(FillStart.Ok, body, length, verifiesDigest, fetched, owner);

    public async ValueTask DisposeAsync()
    {
        if (Body is not null)
        {
            await Body.DisposeAsync();
        }

        owner?.Dispose();
    }
}
