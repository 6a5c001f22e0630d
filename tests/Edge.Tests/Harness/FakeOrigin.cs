using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Distribution.Digests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Edge.Tests.Harness;

/// <summary>
/// A small registry origin on Kestrel for faults a real registry cannot produce: it counts blob GETs,
/// can hold a blob's body at an offset until released, can serve wrong bytes, can refuse credentials,
/// and can go down. It serves <c>/v2/</c>, blobs and manifests (by tag and digest) of any repository.
/// </summary>
internal sealed class FakeOrigin : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Blob> blobs = new();
    private readonly ConcurrentDictionary<string, (string MediaType, byte[] Payload)> manifests = new();
    private readonly ConcurrentDictionary<string, string> tags = new();
    private readonly ConcurrentDictionary<string, int> blobGets = new();
    private readonly ConcurrentDictionary<string, string> imageStreams = new();
    private readonly ConcurrentQueue<string> requestLines = new();
    private WebApplication? app;
    private int failures;
    private int requests;

    private FakeOrigin()
    {
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>When set, only these Authorization header values may read; no header gets 401 with a Basic challenge, others 403.</summary>
    public HashSet<string>? AllowedCredentials { get; set; }

    /// <summary>When set, only these Authorization header values may read image streams (others get 401), as the origin's API refuses registry tokens.</summary>
    public HashSet<string>? ImageStreamCredentials { get; set; }

    public static async Task<FakeOrigin> StartAsync()
    {
        var origin = new FakeOrigin();
        await origin.StartAppAsync(0);
        return origin;
    }

    public static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Adds a blob; <paramref name="served"/> (same length, other bytes) is what GET sends instead, for the wrong-bytes case.</summary>
    public Digest AddBlob(byte[] content, byte[]? served = null, long? holdAt = null)
    {
        var digest = DigestHasher.Compute(content);
        blobs[digest.ToString()] = new Blob(served ?? content, holdAt);
        return digest;
    }

    /// <summary>From now on GET sends the right bytes.</summary>
    public void Fix(Digest digest, byte[] content) => blobs[digest.ToString()] = new Blob(content, null);

    /// <summary>Lets held bodies of <paramref name="digest"/> go on.</summary>
    public void Release(Digest digest) => blobs[digest.ToString()].Gate.TrySetResult();

    /// <summary>The next <paramref name="count"/> requests of any kind are answered 503.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failures, count);

    /// <summary>Requests answered so far, of any kind.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Every request so far as <c>METHOD path</c> (no query), in arrival order.</summary>
    public IReadOnlyList<string> RequestLines => requestLines.ToArray();

    /// <summary>
    /// Serves <c>GET /apis/image.openshift.io/v1/namespaces/&lt;project&gt;/imagestreams/&lt;name&gt;</c> for
    /// <paramref name="repository"/> (<c>project/name</c>), as the origin renders an image stream: each tag's items
    /// (newest first) carry <paramref name="references"/>' <c>dockerImageReference</c>.
    /// </summary>
    public void SetImageStream(string repository, IReadOnlyDictionary<string, string[]> references)
    {
        var slash = repository.IndexOf('/');
        imageStreams[repository] = System.Text.Json.JsonSerializer.Serialize(new
        {
            kind = "ImageStream",
            metadata = new { name = repository[(slash + 1)..], @namespace = repository[..slash] },
            status = new
            {
                dockerImageRepository = $"{Url.Authority}/{repository}",
                tags = references.Select(tag => new { tag = tag.Key, items = tag.Value.Select(r => new { dockerImageReference = r, image = r[(r.IndexOf('@') + 1)..] }) }),
            },
        });
    }

    public int BlobGets(Digest digest) => blobGets.TryGetValue(digest.ToString(), out var count) ? count : 0;

    public Digest AddManifest(string repository, string tag, string mediaType, byte[] payload)
    {
        var digest = DigestHasher.Compute(payload);
        manifests[digest.ToString()] = (mediaType, payload);
        tags[$"{repository}:{tag}"] = digest.ToString();
        return digest;
    }

    /// <summary>Stops listening: connections to <see cref="Url"/> are refused.</summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public Task RestartAsync() => StartAppAsync(Url.Port);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartAppAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var web = builder.Build();
        web.Use(async (context, next) =>
        {
            Interlocked.Increment(ref requests);
            requestLines.Enqueue($"{context.Request.Method} {context.Request.Path}");
            if (Interlocked.Decrement(ref failures) >= 0)
            {
                context.Response.StatusCode = 503;
                return;
            }

            Interlocked.Exchange(ref failures, 0);
            await next(context);
        });
        web.MapGet("/v2/", (HttpContext context) => Authorize(context) ?? Results.Json(new { }));
        web.MapMethods("/v2/{**rest}", ["GET", "HEAD"], ServeAsync);
        web.MapGet("/apis/image.openshift.io/v1/namespaces/{project}/imagestreams/{**name}", (HttpContext context, string project, string name) =>
            (ImageStreamCredentials is { } readers && !readers.Contains(context.Request.Headers.Authorization.ToString())
                ? Error(401, "UNAUTHORIZED")
                : ImageStreamCredentials is null ? Authorize(context) : null) ?? (imageStreams.TryGetValue($"{project}/{name}", out var json)
                ? Results.Text(json, "application/json")
                : Results.Json(new { kind = "Status", code = 404 }, statusCode: 404)));
        await web.StartAsync();
        app = web;
        var address = web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Url = new Uri(address);
    }

    private IResult? Authorize(HttpContext context)
    {
        if (AllowedCredentials is not { } allowed)
        {
            return null;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"fake-origin\"";
            return Error(401, "UNAUTHORIZED");
        }

        return allowed.Contains(authorization) ? null : Error(403, "DENIED");
    }

    private async Task ServeAsync(HttpContext context, string rest)
    {
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        if (Authorize(context) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        var blobAt = rest.LastIndexOf("/blobs/", StringComparison.Ordinal);
        if (blobAt > 0)
        {
            await ServeBlobAsync(context, rest[(blobAt + 7)..]);
            return;
        }

        var manifestAt = rest.LastIndexOf("/manifests/", StringComparison.Ordinal);
        if (manifestAt > 0)
        {
            var reference = rest[(manifestAt + 11)..];
            var digest = reference.Contains(':') ? reference : tags.GetValueOrDefault($"{rest[..manifestAt]}:{reference}");
            if (digest is null || !manifests.TryGetValue(digest, out var manifest))
            {
                await Error(404, "MANIFEST_UNKNOWN").ExecuteAsync(context);
                return;
            }

            context.Response.ContentType = manifest.MediaType;
            context.Response.ContentLength = manifest.Payload.Length;
            context.Response.Headers["Docker-Content-Digest"] = digest;
            if (HttpMethods.IsGet(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(manifest.Payload);
            }

            return;
        }

        await Error(404, "NAME_UNKNOWN").ExecuteAsync(context);
    }

    private async Task ServeBlobAsync(HttpContext context, string digest)
    {
        if (!blobs.TryGetValue(digest, out var blob))
        {
            await Error(404, "BLOB_UNKNOWN").ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = blob.Content.Length;
        context.Response.Headers["Docker-Content-Digest"] = digest;
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return;
        }

        blobGets.AddOrUpdate(digest, 1, (_, n) => n + 1);
        var held = (int)Math.Min(blob.HoldAt ?? blob.Content.Length, blob.Content.Length);
        await context.Response.Body.WriteAsync(blob.Content.AsMemory(0, held));
        if (blob.HoldAt is not null)
        {
            await context.Response.Body.FlushAsync();
            await blob.Gate.Task;
            await context.Response.Body.WriteAsync(blob.Content.AsMemory(held));
        }
    }

    private static IResult Error(int status, string code) =>
        Results.Json(new { errors = new[] { new { code, message = code.ToLowerInvariant() } } }, statusCode: status);

    private sealed record Blob(byte[] Content, long? HoldAt)
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>SHA-256 hex of a stream, read to its end.</summary>
    public static async Task<Digest> DigestOfAsync(Stream stream)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }

        return Digest.FromSha256Bytes(sha.GetHashAndReset());
    }
}
