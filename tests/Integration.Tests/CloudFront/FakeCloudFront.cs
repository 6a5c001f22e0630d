using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Integration.Tests.CloudFront;

/// <summary>
/// A stand-in for a CloudFront distribution whose behaviour requires signed URLs, in front of an S3 bucket:
/// Kestrel on 127.0.0.1 that checks each request the way CloudFront does (the key pair, the canned or custom
/// policy, the RSA SHA-1 signature with the trusted public key, the expiry, the start time and the source IP)
/// and answers 403 otherwise, or streams the object whose key is the URL's path from the bucket.
/// </summary>
internal sealed class FakeCloudFront : IAsyncDisposable
{
    private readonly KestrelPeer peer;
    private readonly AmazonS3Client s3;
    private int served;
    private int refused;

    private FakeCloudFront(KestrelPeer peer, AmazonS3Client s3, Uri baseUrl)
    {
        this.peer = peer;
        this.s3 = s3;
        BaseUrl = baseUrl;
    }

    /// <summary><c>http://127.0.0.1:port/</c>, the distribution's domain as <c>baseurl</c> names it.</summary>
    public Uri BaseUrl { get; }

    /// <summary>How many requests were answered with the object's bytes.</summary>
    public int Served => Volatile.Read(ref served);

    /// <summary>How many requests were refused (403) or found no object (404).</summary>
    public int Refused => Volatile.Read(ref refused);

    /// <summary>Starts the distribution for the bucket at <paramref name="s3Endpoint"/>, trusting <paramref name="publicKey"/> as <paramref name="keyPairId"/>.</summary>
    public static async Task<FakeCloudFront> StartAsync(
        Uri s3Endpoint, string accessKey, string secretKey, string bucket, string keyPairId, RSA publicKey)
    {
        var s3 = new AmazonS3Client(
            new Amazon.Runtime.BasicAWSCredentials(accessKey, secretKey),
            new AmazonS3Config { ServiceURL = s3Endpoint.ToString(), AuthenticationRegion = "us-east-1", ForcePathStyle = true });
        FakeCloudFront? distribution = null;
        var peer = await KestrelPeer.StartAsync(context => distribution!.HandleAsync(context, bucket, keyPairId, publicKey));
        distribution = new FakeCloudFront(peer, s3, peer.BaseUri);
        return distribution;
    }

    public async ValueTask DisposeAsync()
    {
        await peer.DisposeAsync();
        s3.Dispose();
    }

    private async Task HandleAsync(HttpContext context, string bucket, string keyPairId, RSA publicKey)
    {
        var resource = $"{BaseUrl.Scheme}://{BaseUrl.Authority}{context.Request.Path.ToUriComponent()}";
        var failure = Check(context, resource, keyPairId, publicKey);
        if (failure is not null)
        {
            Interlocked.Increment(ref refused);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync(failure);
            return;
        }

        var key = Uri.UnescapeDataString(context.Request.Path.Value!.TrimStart('/'));
        GetObjectResponse response;
        try
        {
            response = await s3.GetObjectAsync(bucket, key, context.RequestAborted);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            Interlocked.Increment(ref refused);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using (response)
        {
            Interlocked.Increment(ref served);
            context.Response.ContentLength = response.ContentLength;
            context.Response.ContentType = "application/octet-stream";
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await response.ResponseStream.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
        }
    }

    // CloudFront's checks, in its order: the parameters, the key pair, the signature, then the policy's conditions.
    private static string? Check(HttpContext context, string resource, string keyPairId, RSA publicKey)
    {
        var query = context.Request.Query;
        if (query["Key-Pair-Id"] != keyPairId)
        {
            return "unknown key pair";
        }

        string policy;
        if (query.ContainsKey("Policy"))
        {
            policy = Encoding.UTF8.GetString(Decode(query["Policy"]!));
        }
        else if (query.ContainsKey("Expires"))
        {
            policy = "{\"Statement\":[{\"Resource\":\"" + resource + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + query["Expires"] + "}}}]}";
        }
        else
        {
            return "missing policy";
        }

        if (!publicKey.VerifyData(Encoding.UTF8.GetBytes(policy), Decode(query["Signature"]!), HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1))
        {
            return "bad signature";
        }

        using var document = JsonDocument.Parse(policy);
        var statement = document.RootElement.GetProperty("Statement")[0];
        var pattern = statement.GetProperty("Resource").GetString()!;
        if (pattern != resource && !(pattern.EndsWith('*') && resource.StartsWith(pattern[..^1], StringComparison.Ordinal)))
        {
            return "resource not covered";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var condition = statement.GetProperty("Condition");
        if (now >= condition.GetProperty("DateLessThan").GetProperty("AWS:EpochTime").GetInt64())
        {
            return "expired";
        }

        if (condition.TryGetProperty("DateGreaterThan", out var start) && now <= start.GetProperty("AWS:EpochTime").GetInt64())
        {
            return "not yet valid";
        }

        if (condition.TryGetProperty("IpAddress", out var ip))
        {
            var range = System.Net.IPNetwork.Parse(ip.GetProperty("AWS:SourceIp").GetString()!);
            var client = context.Connection.RemoteIpAddress!;
            if (!range.Contains(client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client))
            {
                return "source IP refused";
            }
        }

        return null;
    }

    private static byte[] Decode(string value) =>
        Convert.FromBase64String(value.Replace('-', '+').Replace('_', '=').Replace('~', '/'));
}
