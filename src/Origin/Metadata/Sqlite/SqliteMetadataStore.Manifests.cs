using EdgeRegistry.Distribution.Digests;
using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>Manifests, their references and tags with their history.</summary>
internal sealed partial class SqliteMetadataStore
{
    /// <inheritdoc/>
    public Task PutManifestAsync(string repository, ManifestRecord manifest, string? tag, string? dockerImageReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Write(
            (repository, manifest, tag, reference: dockerImageReference, now: Now()),
            static (session, state) =>
            {
                var (repository, manifest, tag, reference, now) = state;
                var repositoryId = EnsureRepository(session, repository, now);
                var digest = manifest.Digest.ToString();

                var insert = session.Command(
                    Sql.InsertManifest,
                    "@repository_id", "@digest", "@media_type", "@payload", "@size", "@subject", "@artifact_type", "@annotations", "@created");
                insert.Parameters[0].Value = repositoryId;
                insert.Parameters[1].Value = digest;
                insert.Parameters[2].Value = manifest.MediaType;
                insert.Parameters[3].Value = AsArray(manifest.Payload);
                insert.Parameters[4].Value = manifest.Size;
                insert.Parameters[5].Value = manifest.Subject is { } subject ? subject.ToString() : DBNull.Value;
                insert.Parameters[6].Value = (object?)manifest.ArtifactType ?? DBNull.Value;
                insert.Parameters[7].Value = (object?)manifest.Annotations ?? DBNull.Value;
                insert.Parameters[8].Value = now;
                if (insert.ExecuteNonQuery() > 0)
                {
                    InsertReferences(session, Sql.InsertManifestBlob, repositoryId, digest, manifest.Blobs);
                    InsertReferences(session, Sql.InsertManifestChild, repositoryId, digest, manifest.Children);
                }

                if (tag is not null)
                {
                    var upsert = session.Command(Sql.UpsertTag, "@repository_id", "@name", "@digest", "@updated");
                    upsert.Parameters[0].Value = repositoryId;
                    upsert.Parameters[1].Value = tag;
                    upsert.Parameters[2].Value = digest;
                    upsert.Parameters[3].Value = now;
                    if (upsert.ExecuteNonQuery() > 0 || (reference is not null && NewestReference(session, repositoryId, tag) != reference))
                    {
                        var history = session.Command(Sql.InsertTagHistory, "@repository_id", "@tag", "@digest", "@created", "@reference");
                        history.Parameters[0].Value = repositoryId;
                        history.Parameters[1].Value = tag;
                        history.Parameters[2].Value = digest;
                        history.Parameters[3].Value = now;
                        history.Parameters[4].Value = (object?)reference ?? DBNull.Value;
                        history.ExecuteNonQuery();
                    }
                }

                return true;
            },
            cancellationToken);
    }

    /// <summary>The stored manifest; <see cref="ManifestRecord.Blobs"/> and <see cref="ManifestRecord.Children"/> are empty.</summary>
    public Task<ManifestRecord?> GetManifestAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Read(
            (repository, digest),
            static (session, state) =>
            {
                var command = session.Command(Sql.GetManifest, "@repository", "@digest");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.digest.ToString();
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadManifest(reader, state.digest) : null;
            },
            cancellationToken);

    /// <summary>The manifest the tag points at; <see cref="ManifestRecord.Blobs"/> and <see cref="ManifestRecord.Children"/> are empty.</summary>
    public Task<ManifestRecord?> GetManifestByTagAsync(string repository, string tag, CancellationToken cancellationToken) =>
        Read(
            (repository, tag),
            static (session, state) =>
            {
                var command = session.Command(Sql.GetManifestByTag, "@repository", "@tag");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.tag;
                using var reader = command.ExecuteReader();
                return reader.Read() ? ReadManifest(reader, digest: null) : null;
            },
            cancellationToken);

    /// <summary>
    /// Deletes the manifest, its reference rows and every tag pointing at it (the foreign keys cascade);
    /// the tags' history stays. False when it was not there.
    /// </summary>
    public Task<bool> DeleteManifestAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        Write(
            (repository, digest: digest.ToString()),
            static (session, state) =>
            {
                var command = session.Command(Sql.DeleteManifest, "@repository", "@digest");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.digest;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    /// <summary>Deletes one tag; the manifest and the tag's history stay. False when it was not there.</summary>
    public Task<bool> DeleteTagAsync(string repository, string tag, CancellationToken cancellationToken) =>
        Write(
            (repository, tag),
            static (session, state) =>
            {
                var command = session.Command(Sql.DeleteTag, "@repository", "@tag");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.tag;
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    public Task<IReadOnlyList<string>> ListTagsAsync(string repository, string? last, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return Read(
            (repository, last, limit),
            static (session, state) =>
            {
                var command = session.Command(Sql.ListTags, "@repository", "@last", "@limit");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.last ?? string.Empty;
                command.Parameters[2].Value = state.limit;
                return ReadStrings(command, state.limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<TagHistoryEntry>> GetTagHistoryAsync(string repository, string tag, CancellationToken cancellationToken) =>
        Read(
            (repository, tag),
            static (session, state) =>
            {
                var command = session.Command(Sql.GetTagHistory, "@repository", "@tag");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.tag;
                using var reader = command.ExecuteReader();
                var entries = new List<TagHistoryEntry>();
                while (reader.Read())
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
        Read(
            (repository, subject: subject.ToString(), artifactType),
            static (session, state) =>
            {
                SqliteCommand command;
                if (state.artifactType is null)
                {
                    command = session.Command(Sql.ListReferrers, "@repository", "@subject");
                }
                else
                {
                    // A separate statement rather than "@type IS NULL OR ...": it keeps the plan simple and
                    // PostgreSQL cannot type an untyped null parameter in that form.
                    command = session.Command(Sql.ListReferrersOfType, "@repository", "@subject", "@artifact_type");
                    command.Parameters[2].Value = state.artifactType;
                }

                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.subject;
                using var reader = command.ExecuteReader();
                var referrers = new List<ManifestRecord>();
                while (reader.Read())
                {
                    referrers.Add(ReadManifest(reader, digest: null));
                }

                return (IReadOnlyList<ManifestRecord>)referrers;
            },
            cancellationToken);

    /// <summary>The reference of the tag's newest history entry; null when it has none or the tag has no history.</summary>
    private static string? NewestReference(SqliteSession session, long repositoryId, string tag)
    {
        var command = session.Command(Sql.NewestTagReference, "@repository_id", "@tag");
        command.Parameters[0].Value = repositoryId;
        command.Parameters[1].Value = tag;
        return command.ExecuteScalar() as string;
    }

    private static void InsertReferences(SqliteSession session, string sql, long repositoryId, string manifestDigest, IReadOnlyList<Digest> references)
    {
        if (references.Count == 0)
        {
            return;
        }

        var command = session.Command(sql, "@repository_id", "@manifest_digest", "@digest");
        command.Parameters[0].Value = repositoryId;
        command.Parameters[1].Value = manifestDigest;
        foreach (var reference in references)
        {
            command.Parameters[2].Value = reference.ToString();
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Reads a row of the manifest column list (<see cref="Sql.ManifestColumns"/>). When the digest is known
    /// from the query's key it is reused instead of parsed again.
    /// </summary>
    private static ManifestRecord ReadManifest(SqliteDataReader reader, Digest? digest) =>
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
