using EdgeRegistry.Distribution.Digests;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Manifests;
using EdgeRegistry.Distribution.Names;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>Manifest GET and HEAD: Accept headers, size limits, digest checks.</summary>
public sealed partial class RemoteRegistryClient
{
    /// <summary>
    /// GETs the manifest <paramref name="reference"/> of <paramref name="repository"/>, offering
    /// <paramref name="accept"/> (null or empty: every manifest type). When the reference is a digest the
    /// payload is checked against it (DIGEST_INVALID on a mismatch); for a tag the digest is the payload's
    /// sha256 (DIGEST_INVALID when the upstream's <c>Docker-Content-Digest</c> disagrees). A payload over
    /// <see cref="RemoteRegistryOptions.MaxManifestBytes"/> is MANIFEST_INVALID.
    /// </summary>
    public async Task<RemoteManifest> GetManifestAsync(string repository, Reference reference, IReadOnlyList<string>? accept, CancellationToken cancellationToken)
    {
        var name = NormalizeRepository(repository);
        var what = Describe(name, reference);
        using var response = await SendAsync(HttpMethod.Get, $"v2/{name}/manifests/{reference}", name, request => AddAccept(request, accept), cancellationToken)
            .ConfigureAwait(false);
        await EnsureSuccessAsync(response, ErrorCode.ManifestUnknown, what, cancellationToken).ConfigureAwait(false);

        var (payload, sha256) = await ReadManifestAsync(response, what, cancellationToken).ConfigureAwait(false);
        var mediaType = ManifestMediaType(response, payload);
        var announced = AnnouncedDigest(response);
        // A signed schema1 manifest's digest is that of its payload without the signatures, which only the
        // upstream can tell: its Docker-Content-Digest is taken for it.
        var schema1Signed = mediaType == MediaTypes.DockerSchema1Signed;

        Digest digest;
        if (reference.Digest is { } expected)
        {
            var actual = expected.Algorithm == Digest.Sha256 ? sha256 : DigestHasher.Compute(payload.Span, expected.Algorithm);
            if (actual != expected && !(schema1Signed && announced == expected))
            {
                throw new DigestMismatchException(expected, actual, null, payload.Length).ToRegistryException();
            }

            digest = expected;
        }
        else if (schema1Signed && announced is { } signedDigest)
        {
            digest = signedDigest;
        }
        else
        {
            if (announced is { Algorithm: Digest.Sha256 } claimed && claimed != sha256)
            {
                throw new RegistryException(
                    ErrorCode.DigestInvalid,
                    $"registry {Registry} announced digest {claimed} for {what} but its content has digest {sha256}",
                    new { registry = Registry, announced = claimed.ToString(), actual = sha256.ToString() });
            }

            digest = sha256;
        }

        return new RemoteManifest(payload, mediaType, digest);
    }

    /// <summary>
    /// HEADs the manifest <paramref name="reference"/> of <paramref name="repository"/>: resolving a tag this
    /// way does not count against Docker Hub's pull rate limit. When the upstream's answer lacks the digest,
    /// the size or a manifest media type, the manifest is fetched instead. Errors as <see cref="GetManifestAsync"/>.
    /// </summary>
    public async Task<RemoteManifestInfo> HeadManifestAsync(string repository, Reference reference, IReadOnlyList<string>? accept, CancellationToken cancellationToken)
    {
        var name = NormalizeRepository(repository);
        var what = Describe(name, reference);
        Digest? digest;
        long? size;
        string? mediaType;
        using (var response = await SendAsync(HttpMethod.Head, $"v2/{name}/manifests/{reference}", name, request => AddAccept(request, accept), cancellationToken)
            .ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, ErrorCode.ManifestUnknown, what, cancellationToken).ConfigureAwait(false);
            digest = AnnouncedDigest(response);
            size = response.Content.Headers.ContentLength;
            mediaType = MediaTypes.Essence(response.Content.Headers.ContentType?.MediaType);
        }

        if (digest is null || size is null || mediaType is null || !MediaTypes.IsManifestType(mediaType))
        {
            var manifest = await GetManifestAsync(name, reference, accept, cancellationToken).ConfigureAwait(false);
            return new RemoteManifestInfo(manifest.Digest, manifest.MediaType, manifest.Payload.Length);
        }

        if (reference.Digest is { } expected && expected != digest)
        {
            throw new RegistryException(
                ErrorCode.DigestInvalid,
                $"registry {Registry} answered digest {digest} for {what}",
                new { registry = Registry, expected = expected.ToString(), actual = digest.ToString() });
        }

        return new RemoteManifestInfo(digest.Value, mediaType, size.Value);
    }

    private static string Describe(string name, Reference reference) =>
        reference.IsDigest ? $"manifest {name}@{reference}" : $"manifest {name}:{reference}";

    private static void AddAccept(HttpRequestMessage request, IReadOnlyList<string>? accept)
    {
        foreach (var mediaType in accept is { Count: > 0 } ? accept : DefaultAccept)
        {
            request.Headers.Accept.ParseAdd(mediaType);
        }
    }

    private static string ManifestMediaType(HttpResponseMessage response, ReadOnlyMemory<byte> payload)
    {
        var declared = MediaTypes.Essence(response.Content.Headers.ContentType?.MediaType);
        // Some registries answer application/json or text/plain: the payload then says what it is.
        return declared is not null && MediaTypes.IsManifestType(declared) ? declared : ManifestParser.Parse(payload, null).MediaType;
    }

    private async Task<(ReadOnlyMemory<byte> Payload, Digest Sha256)> ReadManifestAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var limit = options.MaxManifestBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(what, limit);
        }

        // The body of a manifest is read under the attempt timeout too: a stalled upstream must not hold the caller.
        using var bodyTimeout = new CancellationTokenSource(options.AttemptTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bodyTimeout.Token);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            var buffer = new MemoryStream((int)Math.Min(response.Content.Headers.ContentLength ?? 4096, limit));
            var copied = await StreamHashing.CopyAndHashAsync(stream, buffer, limit, linked.Token).ConfigureAwait(false);
            return (buffer.GetBuffer().AsMemory(0, (int)copied.Length), copied.Digest);
        }
        catch (ContentTooLargeException)
        {
            throw TooLarge(what, limit);
        }
        catch (OperationCanceledException) when (bodyTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException(ErrorCode.Unavailable, $"registry {Registry} timed out sending {what}", new { registry = Registry });
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new RegistryException(ErrorCode.Unavailable, $"reading {what} from registry {Registry} failed: {e.Message}", new { registry = Registry });
        }
    }

    private RegistryException TooLarge(string what, long limit) =>
        new(ErrorCode.ManifestInvalid, $"{what} of registry {Registry} is larger than {limit} bytes", new { registry = Registry, limit });
}
