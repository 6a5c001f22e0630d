using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EdgeRegistry.Distribution.Digests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Origin.Tests.PullThrough;

/// <summary>
/// A small remote registry on Kestrel at 127.0.0.1 (plain HTTP, no auth) for in-process pull-through tests: serves
/// the manifests, tags and blobs it was given, counts blob GETs and bytes, and on request fails the next blob GETs
/// with 500, flips a byte of blob bodies, or holds a blob body half-sent until released.
/// </summary>
internal sealed partial class FakeRemoteRegistry : IAsyncDisposable
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(string Repository, string Reference), (byte[] Payload, string MediaType)> _manifests = new();
    private readonly ConcurrentDictionary<Digest, byte[]> _blobs = new();
    private readonly ConcurrentDictionary<Digest, int> _blobGets = new();
    private int _failNextBlobGets;
    private long _blobBytesSent;
    private TaskCompletionSource? _hold;

    private FakeRemoteRegistry(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Registry => $"{BaseAddress.Host}:{BaseAddress.Port}";

    /// <summary>Flip one byte in the middle of every blob body sent.</summary>
    public bool CorruptBlobs { get; set; }

    /// <summary>Blob bytes sent so far (bodies of GETs).</summary>
    public long BlobBytesSent => Interlocked.Read(ref _blobBytesSent);

    public static async Task<FakeRemoteRegistry> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeRemoteRegistry? registry = null;
        app.Run(context => registry!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        registry = new FakeRemoteRegistry(app, new Uri(address.TrimEnd('/') + "/"));
        return registry;
    }

    /// <summary>GETs of the blob's body so far (retried ones and failed ones included).</summary>
    public int BlobGets(Digest digest) => _blobGets.TryGetValue(digest, out var count) ? count : 0;

    /// <summary>Answers the next <paramref name="count"/> blob GETs with 500.</summary>
    public void FailNextBlobGets(int count) => Interlocked.Exchange(ref _failNextBlobGets, count);

    /// <summary>Blob bodies sent from now on stop halfway until <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets held blob bodies finish.</summary>
    public void Release() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    /// <summary>Adds a blob of <paramref name="size"/> random bytes; returns its digest and bytes.</summary>
    public (Digest Digest, byte[] Bytes) AddBlob(int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        var digest = DigestHasher.Compute(bytes);
        _blobs[digest] = bytes;
        return (digest, bytes);
    }

    /// <summary>Adds an OCI image (a config and one layer per size) tagged <paramref name="tag"/> in <paramref name="repository"/>.</summary>
    public FakeImage AddImage(string repository, string tag, params int[] layerSizes)
    {
        var config = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","nonce":"{{Guid.NewGuid():N}}"}""");
        var configDigest = DigestHasher.Compute(config);
        _blobs[configDigest] = config;
        var layers = layerSizes.Select(AddBlob).ToList();
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{OciManifest}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},"layers":[{{string.Join(",", layers.Select(l => $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{l.Digest}}","size":{{l.Bytes.Length}}}"""))}}]}""");
        var digest = AddManifest(repository, tag, manifest, OciManifest);
        var blobs = new Dictionary<Digest, byte[]> { [configDigest] = config };
        foreach (var (layerDigest, bytes) in layers)
        {
            blobs[layerDigest] = bytes;
        }

        return new FakeImage(digest, manifest, OciManifest, blobs, []);
    }

    /// <summary>Adds an OCI index of one image per platform (each with one layer of <paramref name="layerSize"/>), tagged <paramref name="tag"/>.</summary>
    public FakeImage AddIndex(string repository, string tag, int layerSize, params string[] architectures)
    {
        var children = architectures.Select(_ => AddImage(repository, "child-" + Guid.NewGuid().ToString("N")[..8], layerSize)).ToList();
        var index = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"{{OciIndex}}","manifests":[{{string.Join(",", children.Select((c, i) => $$$"""{"mediaType":"{{{OciManifest}}}","digest":"{{{c.Digest}}}","size":{{{c.Manifest.Length}}},"platform":{"architecture":"{{{architectures[i]}}}","os":"linux"}}"""))}}]}""");
        var digest = AddManifest(repository, tag, index, OciIndex);
        return new FakeImage(digest, index, OciIndex, children.SelectMany(c => c.Blobs).ToDictionary(), children);
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Digest AddManifest(string repository, string tag, byte[] payload, string mediaType)
    {
        var digest = DigestHasher.Compute(payload);
        _manifests[(repository, tag)] = (payload, mediaType);
        _manifests[(repository, digest.ToString())] = (payload, mediaType);
        return digest;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (path is "/v2/" or "/v2")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{}");
            return;
        }

        var match = Route().Match(path);
        if (!match.Success)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var repository = match.Groups["name"].Value;
        var reference = match.Groups["reference"].Value;
        switch (match.Groups["kind"].Value)
        {
            case "tags" when reference == "list":
                var tags = _manifests.Keys.Where(k => k.Repository == repository && !k.Reference.Contains(':') && !k.Reference.StartsWith("child-", StringComparison.Ordinal))
                    .Select(k => $"\"{k.Reference}\"").Order(StringComparer.Ordinal);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($$"""{"name":"{{repository}}","tags":[{{string.Join(",", tags)}}]}""");
                return;
            case "manifests" when _manifests.TryGetValue((repository, reference), out var manifest):
                context.Response.ContentType = manifest.MediaType;
                context.Response.ContentLength = manifest.Payload.Length;
                context.Response.Headers["Docker-Content-Digest"] = DigestHasher.Compute(manifest.Payload).ToString();
                if (HttpMethods.IsGet(context.Request.Method))
                {
                    await context.Response.Body.WriteAsync(manifest.Payload);
                }

                return;
            case "blobs" when Digest.TryParse(reference, out var digest) && _blobs.TryGetValue(digest, out var blob):
                await SendBlobAsync(context, digest, blob);
                return;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"errors":[{"code":"BLOB_UNKNOWN","message":"unknown"}]}""");
                return;
        }
    }

    private async Task SendBlobAsync(HttpContext context, Digest digest, byte[] blob)
    {
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentLength = blob.Length;
            return;
        }

        _blobGets.AddOrUpdate(digest, 1, (_, count) => count + 1);
        for (var left = Volatile.Read(ref _failNextBlobGets); left > 0; left = Volatile.Read(ref _failNextBlobGets))
        {
            if (Interlocked.CompareExchange(ref _failNextBlobGets, left - 1, left) == left)
            {
                context.Response.StatusCode = (int)HttpStatusCode.InternalServerError;
                return;
            }
        }
        var body = blob;
        if (CorruptBlobs)
        {
            body = (byte[])blob.Clone();
            body[body.Length / 2] ^= 0xff;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = body.Length;
        context.Response.Headers["Docker-Content-Digest"] = digest.ToString();
        var half = body.Length / 2;
        await context.Response.Body.WriteAsync(body.AsMemory(0, half), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        Interlocked.Add(ref _blobBytesSent, half);
        if (_hold is { } hold)
        {
            await hold.Task.WaitAsync(context.RequestAborted);
        }

        await context.Response.Body.WriteAsync(body.AsMemory(half), context.RequestAborted);
        Interlocked.Add(ref _blobBytesSent, body.Length - half);
    }

    [GeneratedRegex("^/v2/(?<name>.+)/(?<kind>manifests|blobs|tags)/(?<reference>[^/]+)$")]
    private static partial Regex Route();
}
