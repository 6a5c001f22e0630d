using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeRegistry.Integration.Tests.Harness;

namespace EdgeRegistry.Integration.Tests.Operations;

/// <summary>What an operator sees of a running origin: start line, health, metrics, logs, TLS, bad config.</summary>
public sealed class OriginOperationsTests
{
    [Fact]
    public async Task Start_Default_PrintsListeningLineAndAnswersHealthReadyAndMetrics()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var origin = await OriginProcess.StartAsync(null, timeout.Token);
        using var client = origin.CreateHttpClient();

        Assert.Contains($"listening on 127.0.0.1:{origin.Port} ", origin.Output);
        Assert.DoesNotContain(", tls", origin.Output);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz", timeout.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz", timeout.Token)).StatusCode);

        using var layout = new OciLayoutBuilder();
        using var skopeo = new Skopeo();
        var image = layout.AddImage("v1", layerCount: 2, layerSize: 50_000);
        (await skopeo.CopyAsync(image.Reference, origin.ImageReference("ops/app", "v1"), null, origin.Access, cancellationToken: timeout.Token)).EnsureSuccess();

        var metrics = await client.GetStringAsync("metrics", timeout.Token);
        Assert.Matches("edgeregistry_origin_requests_total\\{route=\"manifest\",method=\"PUT\",status=\"201\"\\} 1", metrics);
        Assert.Matches("edgeregistry_origin_manifests_pushed_total 1", metrics);
        Assert.Matches("edgeregistry_origin_uploads_completed_total [1-9]", metrics);
        Assert.Matches("edgeregistry_origin_blob_bytes_received_total [1-9]", metrics);
    }

    [Fact]
    public async Task Metrics_UploadInProgress_ShowsItsBuffersUntilItEnds()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var origin = await OriginProcess.StartAsync(null, timeout.Token);
        using var client = origin.CreateHttpClient();
        Assert.Equal(0, await UploadBufferBytesAsync(client, timeout.Token));

        using var started = await client.PostAsync("v2/ops/big/blobs/uploads/", null, timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var content = RandomNumberGenerator.GetBytes(6 * 1024 * 1024);
        var release = new TaskCompletionSource();
        var patching = client.PatchAsync(started.Headers.Location, new HeldBackContent(content, 5 * 1024 * 1024, release.Task), timeout.Token);

        // The PATCH holds at least one 4 MiB buffer while its body is held back.
        var held = 0.0;
        while ((held = await UploadBufferBytesAsync(client, timeout.Token)) < 4 * 1024 * 1024)
        {
            Assert.False(patching.IsCompleted, "the PATCH ended while its body was held back");
            await Task.Delay(50, timeout.Token);
        }

        release.SetResult();
        using var patched = await patching;
        Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        using var completed = await client.PutAsync($"{patched.Headers.Location}{(patched.Headers.Location!.OriginalString.Contains('?') ? '&' : '?')}digest={digest}", null, timeout.Token);
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);

        Assert.InRange(held, 4 * 1024 * 1024, 32 * 1024 * 1024);
        Assert.Equal(0, await UploadBufferBytesAsync(client, timeout.Token));
    }

    [Fact]
    public async Task Start_DataBelowWorkingDirectory_HoldsNoFileWatchOnIt()
    {
        // With data under ./data (the embedded default), a watch per directory would mean one inotify watch
        // per repository and upload: the kernel's per-user limit is soon reached.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var origin = await OriginProcess.StartAsync(null, timeout.Token);
        using var client = origin.CreateHttpClient();
        for (var i = 0; i < 20; i++)
        {
            var started = await client.PostAsync($"v2/watch/repo{i}/blobs/uploads/", null, timeout.Token);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }

        Assert.True(Directory.GetDirectories(origin.StorageRoot, "*", SearchOption.AllDirectories).Length > 40);
        var watches = Directory.GetFiles($"/proc/{origin.Server.ProcessId}/fdinfo")
            .Sum(file => File.ReadLines(file).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)));
        Assert.True(watches < 10, $"the origin holds {watches} inotify watches");
    }

    [Fact]
    public async Task Start_JsonFormatterWithFields_EveryLineIsJsonWithInstanceIdAndFields()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var origin = await OriginProcess.StartAsync(
            new OriginOptions { ExtraYaml = "log:\n  level: info\n  formatter: json\n  fields:\n    service: registry\n    environment: staging" },
            timeout.Token);

        // The harness marks each start with a "==== origin start" line of its own; every other line is the origin's.
        var lines = origin.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("==== ", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(lines);
        var instanceIds = new HashSet<string>();
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            instanceIds.Add(json.RootElement.GetProperty("instance.id").GetString()!);
            Assert.Equal("registry", json.RootElement.GetProperty("service").GetString());
            Assert.Equal("staging", json.RootElement.GetProperty("environment").GetString());
        }

        Assert.Single(instanceIds);
        Assert.Contains(lines, line => line.Contains($"listening on 127.0.0.1:{origin.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_Tls_ServesHttpsAndSkopeoVerifiesTheCertificate()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var origin = await OriginProcess.StartAsync(new OriginOptions { Tls = true }, timeout.Token);
        using var layout = new OciLayoutBuilder();
        using var skopeo = new Skopeo();
        var image = layout.AddImage("v1", layerCount: 1, layerSize: 10_000);

        Assert.Contains($"listening on 127.0.0.1:{origin.Port}, tls", origin.Output);
        (await skopeo.CopyAsync(image.Reference, origin.ImageReference("secure/app", "v1"), null, origin.Access, preserveDigests: true, cancellationToken: timeout.Token)).EnsureSuccess();
        var inspected = await skopeo.InspectAsync(origin.ImageReference("secure/app", "v1"), raw: true, origin.Access, timeout.Token);
        Assert.Equal(image.ManifestDigest, OciLayoutBuilder.DigestOf(inspected.EnsureSuccess().StandardOutputBytes));
        var untrusted = await skopeo.InspectAsync(origin.ImageReference("secure/app", "v1"), raw: true, new RegistryAccess(TlsVerify: true), timeout.Token);
        Assert.False(untrusted.Succeeded);
    }

    [Theory]
    [InlineData("storage.maintenance.uploadpurging.age", "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE", "7x")]
    [InlineData("storage.delete.enabled", "REGISTRY_STORAGE_DELETE_ENABLED", "yes please")]
    [InlineData("log.level", "REGISTRY_LOG_LEVEL", "loud")]
    public async Task Start_BadValue_StopsWithOneLineNamingTheKey(string key, string variable, string value)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var start = new ProcessStartInfo(OriginLocator.FindDotnetHost(), [OriginLocator.FindOriginDll()])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment[variable] = value;
        start.Environment["REGISTRY_HTTP_ADDR"] = $"127.0.0.1:{FreePort.Next()}";
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"configuration error: {key}: ", line);
    }

    private static async Task<double> UploadBufferBytesAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var metrics = await client.GetStringAsync("metrics", cancellationToken);
        var match = Regex.Match(metrics, @"^edgeregistry_origin_upload_buffer_bytes (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, "no edgeregistry_origin_upload_buffer_bytes in /metrics");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    // A body of known length that sends its first bytes, then waits before sending the rest.
    private sealed class HeldBackContent(byte[] content, int holdAt, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(content.AsMemory(0, holdAt));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(content.AsMemory(holdAt));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = content.Length;
            return true;
        }
    }
}
