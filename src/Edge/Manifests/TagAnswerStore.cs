using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Edge.Cache;

namespace EdgeRegistry.Edge.Manifests;

/// <summary>
/// The last answer of the origin for each tag, kept in memory and in <c>tags/</c> of the cache
/// directory so that it survives a restart of the edge while the origin is down.
/// </summary>
internal sealed partial class TagAnswerStore(CacheIndex index, ILogger<TagAnswerStore> logger)
{
    private readonly ConcurrentDictionary<(string, string), TagAnswer> answers = new();

    public async Task SaveAsync(TagAnswer answer, CancellationToken cancellationToken)
    {
        var key = (answer.Repository, answer.Tag);
        if (answers.TryGetValue(key, out var previous) && previous.Digest == answer.Digest && previous.MediaType == answer.MediaType &&
            answer.AnsweredAt - previous.AnsweredAt < TimeSpan.FromSeconds(1))
        {
            return;
        }

        answers[key] = answer;
        try
        {
            var temp = index.NewTempPath();
            await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(answer), cancellationToken);
            File.Move(temp, PathOf(answer.Repository, answer.Tag), overwrite: true);
        }
        catch (IOException ex)
        {
            // The answer is still in memory; only a restart while the origin is down would miss it.
            Log.SaveFailed(logger, answer.Repository, answer.Tag, ex.Message);
        }
    }

    public TagAnswer? Find(string repository, string tag)
    {
        if (answers.TryGetValue((repository, tag), out var answer))
        {
            return answer;
        }

        try
        {
            var path = PathOf(repository, tag);
            if (!File.Exists(path))
            {
                return null;
            }

            answer = JsonSerializer.Deserialize<TagAnswer>(File.ReadAllBytes(path));
            if (answer is not null && answer.Repository == repository && answer.Tag == tag)
            {
                answers[(repository, tag)] = answer;
                return answer;
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            Log.SaveFailed(logger, repository, tag, ex.Message);
        }

        return null;
    }

    private string PathOf(string repository, string tag) =>
        Path.Combine(index.TagsDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{repository}:{tag}"))));

    private static partial class Log
    {
        [LoggerMessage(EventId = 4400, Level = LogLevel.Warning, Message = "Last answer for {Repository}:{Tag} not stored or read: {Reason}")]
        public static partial void SaveFailed(ILogger logger, string repository, string tag, string reason);
    }
}
