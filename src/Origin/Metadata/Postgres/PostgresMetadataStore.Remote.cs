using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata.Postgres;

/// <summary>Images imported from remote registries (schema version 3): remote-backed blobs and the remote entries of tag history.</summary>
internal sealed partial class PostgresMetadataStore
{
    public Task LinkRemoteBlobsAsync(string repository, IReadOnlyList<RemoteBlobRecord> blobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        return InTransaction(
            (repository, blobs, now: Now()),
            static async (connection, transaction, state, ct) =>
            {
                var repositoryId = await EnsureRepositoryAsync(connection, transaction, state.repository, state.now, ct).ConfigureAwait(false);
                if (state.blobs.Count == 0)
                {
                    return true;
                }

                var digests = new string[state.blobs.Count];
                var sizes = new long[state.blobs.Count];
                for (var i = 0; i < digests.Length; i++)
                {
                    digests[i] = state.blobs[i].Digest.ToString();
                    sizes[i] = state.blobs[i].Size < 0 ? RemoteBlobRecord.UnknownSize : state.blobs[i].Size;
                }

                await using var command = Command(
                    connection,
                    transaction,
                    RemoteSql.LinkRemoteBlobs,
                    BigInt("repository_id", repositoryId),
                    TextArray("digests", digests),
                    BigIntArray("sizes", sizes),
                    BigInt("created", state.now));
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    public Task<long?> GetRemoteBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Run(
            (repository, digest: digest.ToString()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, RemoteSql.GetRemoteBlobSize, Text("repository", state.repository), Text("digest", state.digest));
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long size ? size : (long?)null;
            },
            cancellationToken);

    public Task<IReadOnlyList<TagHistoryEntry>> ListRemoteTagHistoryAsync(string repository, CancellationToken cancellationToken) =>
        Run(
            repository,
            static async (connection, repository, ct) =>
            {
                await using var command = Command(connection, null, RemoteSql.ListRemoteTagHistory, Text("repository", repository));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var entries = new List<TagHistoryEntry>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    entries.Add(new TagHistoryEntry(
                        reader.GetString(0), Digest.Parse(reader.GetString(1)), FromUnixMilliseconds(reader.GetInt64(2)), reader.GetString(3)));
                }

                return (IReadOnlyList<TagHistoryEntry>)entries;
            },
            cancellationToken);

    /// <summary>The statements of the remote tables.</summary>
    private static class RemoteSql
    {
        // WITH ORDINALITY keeps the caller's order, so of a digest listed twice the first size is the one kept.
        public const string LinkRemoteBlobs =
            """
            INSERT INTO remote_blobs (repository_id, digest, size, created)
            SELECT @repository_id, b.digest, b.size, @created FROM unnest(@digests, @sizes) WITH ORDINALITY AS b (digest, size, n)
            ORDER BY b.n
            ON CONFLICT (repository_id, digest) DO NOTHING
            """;

        public const string GetRemoteBlobSize =
            """
            SELECT b.size FROM remote_blobs b JOIN repositories r ON r.id = b.repository_id
            WHERE r.name = @repository AND b.digest = @digest
            """;

        public const string ListRemoteTagHistory =
            """
            SELECT h.tag, h.digest, h.created, h.docker_image_reference FROM tag_history h JOIN repositories r ON r.id = h.repository_id
            WHERE r.name = @repository AND h.docker_image_reference IS NOT NULL ORDER BY h.tag, h.id DESC
            """;
    }
}
