using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Remote;
using EdgeRegistry.Edge.Configuration;
using EdgeRegistry.Edge.Forwarding;
using EdgeRegistry.Edge.Upstream;
using Microsoft.Net.Http.Headers;

namespace EdgeRegistry.Edge.PullThrough;

/// <summary>
/// The remote repositories a repository of the origin pulls through from: the origin's image stream status
/// (<c>GET /apis/image.openshift.io/v1/namespaces/&lt;project&gt;/imagestreams/&lt;name&gt;</c>, asked with the client's
/// credentials or the edge's token), its items' <c>dockerImageReference</c>s that name another registry than the origin. Ordered as the
/// origin tries them: the newest item of each tag first (tags in ordinal order), then older items, secure registries
/// before insecure ones. An answer (candidates, or none: no image stream, nothing imported) is kept per repository for
/// <see cref="PullThroughOptions.StatusTtl"/>, whichever client asked: it only says where the bytes are, each client is
/// still authorized by the origin. With <see cref="PullThroughOptions.TokenFile"/> the edge asks with its own token
/// instead of the client's credentials. A refusal (401, 403) is kept per credential; an origin that fails is not kept.
/// </summary>
internal sealed partial class ImageStreamCandidates(
    OriginClient origin, RemoteRegistryClientFactory remotes, EdgeOptions options, TimeProvider time, ILogger<ImageStreamCandidates> logger)
{
    private const int MaxEntries = 10_000;
    private const int MaxStatusBytes = 4 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Entry> answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry?>>> inFlight = new(StringComparer.Ordinal);
    private readonly TimeSpan ttl = options.PullThrough.StatusTtl;

    /// <summary>
    /// The candidates of <paramref name="repository"/> for the client of <paramref name="request"/>; empty when it has
    /// none, when pull-through is off, or when the origin would not say.
    /// </summary>
    public async Task<IReadOnlyList<RemoteRepository>> GetAsync(HttpRequest request, string repository, CancellationToken cancellationToken)
    {
        var slash = repository.IndexOf('/');
        if (!options.PullThrough.Enabled || slash <= 0)
        {
            // A repository without a project has no image stream.
            return [];
        }

        var credential = CredentialHash(request.Headers.Authorization.ToString());
        var now = time.GetUtcNow();
        if (answers.TryGetValue(repository, out var shared) && shared.Expires > now)
        {
            return shared.Candidates;
        }

        if (answers.TryGetValue(Refusal(repository, credential), out var refused) && refused.Expires > now)
        {
            return [];
        }

        var key = repository + "\n" + credential;
        var authorization = EdgeAuthorization() ?? request.Headers.Authorization.ToString();
        var lazy = inFlight.GetOrAdd(key, _ => new Lazy<Task<Entry?>>(() => AskOriginAsync(repository, slash, credential, authorization)));
        _ = lazy.Value.ContinueWith(
            (_, state) => inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<Entry?>>>(key, (Lazy<Task<Entry?>>)state!)),
            lazy, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        // Shared by the clients asking at the same moment, so it runs without any one client's token.
        var entry = await lazy.Value.WaitAsync(cancellationToken);
        return entry?.Candidates ?? [];
    }

    private async Task<Entry?> AskOriginAsync(string repository, int slash, string credential, string authorization)
    {
        var path = $"/apis/image.openshift.io/v1/namespaces/{repository[..slash]}/imagestreams/{repository[(slash + 1)..]}";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, origin.Url(path));
            request.Headers.TryAddWithoutValidation(HeaderNames.Accept, "application/json");
            if (authorization.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
            }

            using var response = await origin.Direct.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
            var status = response.StatusCode;
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                // Registry tokens (the Bearer flow) are for /v2 only: such a client is served through the origin.
                Log.StatusRefused(logger, repository, (int)status);
                return Store(Refusal(repository, credential), []);
            }

            if ((int)status >= 500)
            {
                Log.StatusUnavailable(logger, repository, $"status {(int)status}");
                return null;
            }

            if (status != HttpStatusCode.OK || response.Content.Headers.ContentLength > MaxStatusBytes)
            {
                // No image stream (or not our origin): nothing pulls through here.
                return Store(repository, []);
            }

            var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
            var candidates = body.Length > MaxStatusBytes ? [] : Parse(body);
            Log.StatusRead(logger, repository, candidates.Count);
            return Store(repository, candidates);
        }
        catch (Exception ex) when (OriginClient.IsUnavailable(ex, CancellationToken.None))
        {
            Log.StatusUnavailable(logger, repository, ex.GetType().Name);
            return null;
        }
        catch (JsonException ex)
        {
            Log.StatusUnavailable(logger, repository, ex.Message);
            return Store(repository, []);
        }
    }

    /// <summary><c>Bearer &lt;token&gt;</c> of <see cref="PullThroughOptions.TokenFile"/>; null when none is configured or it cannot be read.</summary>
    private string? EdgeAuthorization()
    {
        if (options.PullThrough.TokenFile is not { } file)
        {
            return null;
        }

        try
        {
            var token = File.ReadAllText(file).Trim();
            return token.Length == 0 ? null : $"Bearer {token}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.TokenUnreadable(logger, file, ex.Message);
            return null;
        }
    }

    private IReadOnlyList<RemoteRepository> Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        if (!document.RootElement.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        // References into the origin itself are images pushed there, not remote ones.
        var local = status.TryGetProperty("dockerImageRepository", out var own) && ImageReference.TryParse(own.GetString(), out var ownReference)
            ? ownReference.Registry
            : DockerHubNames.NormalizeRegistry(origin.Origin.Authority);
        var items = new List<(string Reference, int Age, int Index)>();
        if (status.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var tag in tags.EnumerateArray().OrderBy(t => t.TryGetProperty("tag", out var name) ? name.GetString() : "", StringComparer.Ordinal))
            {
                if (!tag.TryGetProperty("items", out var history) || history.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var age = 0;
                foreach (var item in history.EnumerateArray())
                {
                    if (item.TryGetProperty("dockerImageReference", out var reference) && reference.GetString() is { Length: > 0 } text)
                    {
                        items.Add((text, age, index++));
                    }

                    age++;
                }
            }
        }

        return items
            .OrderBy(i => i.Age)
            .ThenBy(i => i.Index)
            .Select(i => ImageReference.TryParse(i.Reference, out var image) ? image : null)
            .OfType<ImageReference>()
            .Where(image => image.Registry != local)
            .Select(image => new RemoteRepository(image.Registry, image.Repository, IsInsecure(image.Registry)))
            .DistinctBy(c => (c.Registry, c.Repository))
            .OrderBy(c => c.IsInsecure)
            .ToList();
    }

    private bool IsInsecure(string registry)
    {
        try
        {
            return remotes.GetClient(registry).IsInsecure;
        }
        catch (Exception ex) when (ex is RegistryException or ArgumentException or InvalidDataException)
        {
            // Off the allowlist or unusable: trying it skips it, and the origin is asked instead.
            return false;
        }
    }

    private Entry Store(string key, IReadOnlyList<RemoteRepository> candidates)
    {
        var entry = new Entry(candidates, time.GetUtcNow() + ttl);
        if (ttl > TimeSpan.Zero)
        {
            if (answers.Count >= MaxEntries)
            {
                answers.Clear();
            }

            answers[key] = entry;
        }

        return entry;
    }

    private static string Refusal(string repository, string credential) => repository + "\n" + credential;

    private static string CredentialHash(string authorization) =>
        authorization.Length == 0 ? "" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)));

    private sealed record Entry(IReadOnlyList<RemoteRepository> Candidates, DateTimeOffset Expires);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4610, Level = LogLevel.Debug, Message = "Image stream status of {Repository}: {Count} remote candidates")]
        public static partial void StatusRead(ILogger logger, string repository, int count);

        [LoggerMessage(EventId = 4611, Level = LogLevel.Debug, Message = "Origin answered {Status} to the image stream status of {Repository}; filling from the origin")]
        public static partial void StatusRefused(ILogger logger, string repository, int status);

        [LoggerMessage(EventId = 4612, Level = LogLevel.Warning, Message = "Image stream status of {Repository} unavailable: {Reason}")]
        public static partial void StatusUnavailable(ILogger logger, string repository, string reason);

        [LoggerMessage(EventId = 4613, Level = LogLevel.Warning, Message = "pullThrough.tokenFile {File} cannot be read ({Reason}); asking with the client's credentials")]
        public static partial void TokenUnreadable(ILogger logger, string file, string reason);
    }
}
