using EdgeRegistry.Distribution.Digests;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>Images imported from remote registries (schema version 3): remote-backed blobs and the remote entries of tag history.</summary>
internal sealed partial class SqliteMetadataStore
{
    public Task LinkRemoteBlobsAsync(string repository, IReadOnlyList<RemoteBlobRecord> blobs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        return Write(
            (repository, blobs, now: Now()),
            static (session, state) =>
            {
                var repositoryId = EnsureRepository(session, state.repository, state.now);
                var command = session.Command(RemoteSql.LinkRemoteBlob, "@repository_id", "@digest", "@size", "@created");
                command.Parameters[0].Value = repositoryId;
                command.Parameters[3].Value = state.now;
                foreach (var blob in state.blobs)
                {
                    command.Parameters[1].Value = blob.Digest.ToString();
                    command.Parameters[2].Value = blob.Size < 0 ? RemoteBlobRecord.UnknownSize : blob.Size;
                    command.ExecuteNonQuery();
                }

                return true;
            },
            cancellationToken);
    }

    public Task<long?> GetRemoteBlobSizeAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Read(
            (repository, digest: digest.ToString()),
            static (session, state) =>
            {
                var command = session.Command(RemoteSql.GetRemoteBlobSize, "@repository", "@digest");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.digest;
                return command.ExecuteScalar() is long size ? size : (long?)null;
            },
            cancellationToken);

    public Task<IReadOnlyList<TagHistoryEntry>> ListRemoteTagHistoryAsync(string repository, CancellationToken cancellationToken) =>
        Read(
            repository,
            static (session, repository) =>
            {
                var command = session.Command(RemoteSql.ListRemoteTagHistory, "@repository");
                command.Parameters[0].Value = repository;
                using var reader = command.ExecuteReader();
                var entries = new List<TagHistoryEntry>();
                while (reader.Read())
                {
                    entries.Add(new TagHistoryEntry(
                        reader.GetString(0), Digest.Parse(reader.GetString(1)), FromUnixMilliseconds(reader.GetInt64(2)), reader.GetString(3)));
                }

                return (IReadOnlyList<TagHistoryEntry>)entries;
            },
            cancellationToken);

    /// <summary>The statements of the remote tables, in the dialect <c>Sql</c> keeps (SQLite and PostgreSQL alike).</summary>
    private static class RemoteSql
    {
        public const string LinkRemoteBlob =
            """
            INSERT INTO remote_blobs (repository_id, digest, size, created) VALUES (@repository_id, @digest, @size, @created)
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
