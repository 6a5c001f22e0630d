using System.Net;
using EdgeRegistry.Origin.Storage.S3;
using EdgeRegistry.Signing.CloudFront;

namespace EdgeRegistry.Origin.Storage.CloudFront;

/// <summary>
/// The <c>cloudfront</c> storage middleware (seed 3.5.4.5.1), after CNCF distribution's: a decorator over the
/// S3 driver that changes only <see cref="RedirectUrlAsync"/>, which answers <c>&lt;baseurl&gt;/&lt;object key&gt;</c>
/// signed with a canned policy for <c>duration</c>, so blob GETs are served by the CDN. A client whose address
/// is in <see cref="AwsIpRanges"/> (when <c>ipfilteredby</c> is aws or awsregion) gets the S3 driver's own
/// presigned URL instead: inside AWS, S3 is nearer and cheaper than CloudFront. Every other call goes to S3.
/// </summary>
internal sealed class CloudFrontStorageDriver : IStorageDriver
{
    private readonly S3StorageDriver inner;
    private readonly CloudFrontUrlSigner signer;
    private readonly string baseUrl;
    private readonly TimeSpan duration;
    private readonly AwsIpRanges? awsRanges;
    private readonly Func<IPAddress?> clientAddress;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The S3 driver whose object keys are the CloudFront paths (the distribution's origin is the bucket).</param>
    /// <param name="signer">Signs with the configured key pair.</param>
    /// <param name="baseUrl">The distribution's URL (<c>baseurl</c>); a trailing slash is added when missing.</param>
    /// <param name="duration">How long a signed URL stays valid (<c>duration</c>).</param>
    /// <param name="awsRanges">The ranges whose clients get the S3 URL, or null when <c>ipfilteredby</c> is none.</param>
    /// <param name="clientAddress">The current request's client address, or null when unknown (then CloudFront is used).</param>
    public CloudFrontStorageDriver(
        S3StorageDriver inner, CloudFrontUrlSigner signer, Uri baseUrl, TimeSpan duration, AwsIpRanges? awsRanges, Func<IPAddress?> clientAddress)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(clientAddress);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        this.inner = inner;
        this.signer = signer;
        this.duration = duration;
        this.awsRanges = awsRanges;
        this.clientAddress = clientAddress;
        // Distribution appends the key to baseurl with a slash between them.
        this.baseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/";
    }

    public string Name => inner.Name;

    public Task<byte[]> GetContentAsync(string path, CancellationToken cancellationToken) =>
        inner.GetContentAsync(path, cancellationToken);

    public Task PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        inner.PutContentAsync(path, content, cancellationToken);

    public Task<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken) =>
        inner.ReaderAsync(path, offset, cancellationToken);

    public Task<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken) =>
        inner.WriterAsync(path, append, cancellationToken);

    public Task<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken) =>
        inner.StatAsync(path, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken) =>
        inner.ListAsync(path, cancellationToken);

    public Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken) =>
        inner.MoveAsync(sourcePath, destinationPath, cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        inner.DeleteAsync(path, cancellationToken);

    public IAsyncEnumerable<StorageFileInfo> WalkAsync(string path, CancellationToken cancellationToken) =>
        inner.WalkAsync(path, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// GET and HEAD: the CloudFront URL of the object, signed to expire <c>duration</c> from now (or the S3
    /// driver's presigned URL for a client inside the filtered AWS ranges). Other methods: null, as the S3
    /// driver answers. The object is not checked; an invalid path raises <see cref="InvalidStoragePathException"/>.
    /// </remarks>
    public async Task<Uri?> RedirectUrlAsync(string path, string method, CancellationToken cancellationToken)
    {
        if ((!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
            || (awsRanges is not null && clientAddress() is { } address && awsRanges.Contains(address)))
        {
            return await inner.RedirectUrlAsync(path, method, cancellationToken);
        }

        var url = new Uri(baseUrl + EscapeKey(inner.ObjectKey(path)));
        return new Uri(signer.SignCanned(url, duration));
    }

    // Our keys are made of path-safe characters, but a root directory may hold others: each segment is
    // escaped on its own so the slashes stay separators.
    private static string EscapeKey(string key) =>
        string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
}
