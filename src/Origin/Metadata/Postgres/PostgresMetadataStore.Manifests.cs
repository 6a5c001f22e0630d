using EdgeRegistry.Distribution.Digests;
using Npgsql;

namespace EdgeRegistry.Origin.Metadata.Postgres;

/// <summary>Manifests, their references and tags with their history.</summary>
internal sealed partial class PostgresMetadataStore
{
    /// <inheritdoc/>
    public Task PutManifestAsync(string repository, ManifestRecord manifest, string? tag, string? dockerImageReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return InTransaction(
            (repository, manifest, tag, reference: dockerImageReference, now: Now()),
            static async (connection, transaction, state, ct) =>
            {
                var (repository, manifest, tag, reference, now) = state;
                var repositoryId = await EnsureRepositoryAsync(connection, transaction, repository, now, ct).ConfigureAwait(false);
                var digest = manifest.Digest.ToString();

                int inserted;
                await using (var insert = Command(
                    connection,
                    transaction,
                    Sql.InsertManifest,
                    BigInt("repository_id", repositoryId),
                    Text("digest", digest),
                    Text("media_type", manifest.MediaType),
                    Bytes("payload", AsArray(manifest.Payload)),
                    BigInt("size", manifest.Size),
                    Text("subject", manifest.Subject?.ToString()),
                    Text("artifact_type", manifest.ArtifactType),
                    Text("annotations", manifest.Annotations),
                    BigInt("created", now)))
                {
                    inserted = await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                if (inserted > 0)
                {
                    await InsertReferencesAsync(connection, transaction, Sql.InsertManifestBlobs, repositoryId, digest, manifest.Blobs, ct).ConfigureAwait(false);
                    await InsertReferencesAsync(connection, transaction, Sql.InsertManifestChildren, repositoryId, digest, manifest.Children, ct).ConfigureAwait(false);
                }

                if (tag is not null)
                {
                    int moved;
                    await using (var upsert = Command(
                        connection,
                        transaction,
                        Sql.UpsertTag,
                        BigInt("repository_id", repositoryId),
                        Text("name", tag),
                        Text("digest", digest),
                        BigInt("updated", now)))
                    {
                        moved = await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    if (moved > 0
                        || (reference is not null && await NewestReferenceAsync(connection, transaction, repositoryId, tag, ct).ConfigureAwait(false) != reference))
                    {
                        await using var history = Command(
                            connection,
                            transaction,
                            Sql.InsertTagHistory,
                            BigInt("repository_id", repositoryId),
                            Text("tag", tag),
                            Text("digest", digest),
                            BigInt("created", now),
                            Text("reference", reference));
                        await history.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }

                return true;
            },
            cancellationToken);
    }

    /// <summary>The stored manifest; <see cref="ManifestRecord.Blobs"/> and <see cref="ManifestRecord.Children"/> are empty.</summary>
    public Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Run(
            (repository, digest),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, Sql.GetManifest, Text("repository", state.repository), Text("digest", state.digest.ToString()));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadManifest(reader, state.digest) : null;
            },
            cancellationToken);

    /// <summary>The manifest the tag points at; <see cref="ManifestRecord.Blobs"/> and <see cref="ManifestRecord.Children"/> are empty.</summary>
    public Task<ManifestRecord?> GetManifestByTagAsync(string repository, string tag, CancellationToken cancellationToken) =>
        Run(
            (repository, tag),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, Sql.GetManifestByTag, Text("repository", state.repository), Text("tag", state.tag));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadManifest(reader, digest: null) : null;
            },
            cancellationToken);

    /// <summary>
    /// Deletes the manifest, its reference rows and every tag pointing at it (the foreign keys cascade, within the
    /// one statement); the tags' history stays. False when it was not there.
    /// </summary>
    public Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Run(
            (repository, digest: digest.ToString()),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection, null, Sql.DeleteManifest, Text("repository", state.repository), Text("digest", state.digest));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    /// <summary>Deletes one tag; the manifest and the tag's history stay. False when it was not there.</summary>
    public Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken) =>
        Run(
            (repository, tag),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, Sql.DeleteTag, Text("repository", state.repository), Text("tag", state.tag));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Run(
            (repository, last, limit),
            static async (connection, state, ct) =>
            {
                await using var command = Command(
                    connection,
                    null,
                    Sql.ListTags,
                    Text("repository", state.repository),
                    Text("last", state.last ?? string.Empty),
                    Integer("limit", state.limit));
                return await ReadStringsAsync(command, state.limit, ct).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<TagHistoryEntry>> GetTagHistoryAsync(string repository, string tag, CancellationToken cancellationToken) =>
        Run(
            (repository, tag),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, Sql.GetTagHistory, Text("repository", state.repository), Text("tag", state.tag));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var entries = new List<TagHistoryEntry>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    entries.Add(new TagHistoryEntry(
                        state.tag, Digest.Parse(reader.GetString(0)), FromUnixMilliseconds(reader.GetInt64(1)), reader.IsDBNull(2) ? null : reader.GetString(2)));
                }

                return (IReadOnlyList<TagHistoryEntry>)entries;
            },
            cancellationToken);

    /// <summary>
    /// Manifests of the repository whose subject is <paramref name="subject"/>, filtered by artifact type when
    /// given, in digest order; <see cref="ManifestRecord.Blobs"/> and <see cref="ManifestRecord.Children"/> are empty.
    /// </summary>
    public Task<IReadOnlyList<ManifestRecord>> ListReferrersAsync(string repository, Digest subject, string? artifactType, CancellationToken cancellationToken) =>
        Run(
            (repository, subject: subject.ToString(), artifactType),
            static async (connection, state, ct) =>
            {
                // A separate statement rather than "@type IS NULL OR ...": it keeps the plan simple.
                await using var command = state.artifactType is null
                    ? Command(connection, null, Sql.ListReferrers, Text("repository", state.repository), Text("subject", state.subject))
                    : Command(
                        connection,
                        null,
                        Sql.ListReferrersOfType,
                        Text("repository", state.repository),
                        Text("subject", state.subject),
                        Text("artifact_type", state.artifactType));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var referrers = new List<ManifestRecord>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    referrers.Add(ReadManifest(reader, digest: null));
                }

                return (IReadOnlyList<ManifestRecord>)referrers;
            },
            cancellationToken);

    /// <summary>The reference of the tag's newest history entry; null when it has none or the tag has no history.</summary>
    private static async Task<string?> NewestReferenceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long repositoryId, string tag, CancellationToken cancellationToken)
    {
        await using var command = Command(
            connection, transaction, Sql.NewestTagReference, BigInt("repository_id", repositoryId), Text("tag", tag));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static async Task InsertReferencesAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string sql,
        long repositoryId,
        string manifestDigest,
        IReadOnlyList<Digest> references,
        CancellationToken cancellationToken)
    {
        if (references.Count == 0)
        {
            return;
        }

        var digests = new string[references.Count];
        for (var i = 0; i < digests.Length; i++)
        {
            digests[i] = references[i].ToString();
        }

        await using var command = Command(
            connection, transaction, sql, BigInt("repository_id", repositoryId), Text("manifest_digest", manifestDigest), TextArray("digests", digests));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a row of the manifest column list (<see cref="Sql.ManifestColumns"/>). When the digest is known
    /// from the query's key it is reused instead of parsed again.
    /// </summary>
    private static ManifestRecord ReadManifest(NpgsqlDataReader reader, Digest? digest) =>
        new(
            digest ?? Digest.Parse(reader.GetString(0)),
            reader.GetString(1),
            reader.GetFieldValue<byte[]>(2),
            reader.IsDBNull(3) ? null : Digest.Parse(reader.GetString(3)),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            [],
            [],
            FromUnixMilliseconds(reader.GetInt64(6)));
}
