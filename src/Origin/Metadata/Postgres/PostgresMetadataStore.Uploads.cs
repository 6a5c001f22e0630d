namespace EdgeRegistry.Origin.Metadata.Postgres;

/// <summary>Upload sessions.</summary>
internal sealed partial class PostgresMetadataStore
{
    /// <summary>Records the session with its own <see cref="UploadSession.Started"/>; <see cref="InvalidOperationException"/> when the id exists in the repository.</summary>
    public Task CreateUploadAsync(UploadSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Run(
            session,
            static async (connection, upload, ct) =>
            {
                await using var command = Command(
                    connection,
                    null,
                    Sql.InsertUpload,
                    Text("repository", upload.Repository),
                    Text("id", upload.Id),
                    BigInt("started", upload.Started.ToUnixTimeMilliseconds()));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0
                    ? true
                    : throw new InvalidOperationException($"Upload '{upload.Id}' already exists in '{upload.Repository}'.");
            },
            cancellationToken);
    }

    public Task<UploadSession?> GetUploadAsync(string repository, string id, CancellationToken cancellationToken) =>
        Run(
            (repository, id),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, Sql.GetUpload, Text("repository", state.repository), Text("id", state.id));
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long started
                    ? new UploadSession(state.repository, state.id, FromUnixMilliseconds(started))
                    : null;
            },
            cancellationToken);

    /// <summary>Forgets the session; nothing happens when it is not there.</summary>
    public Task DeleteUploadAsync(string repository, string id, CancellationToken cancellationToken) =>
        Run(
            (repository, id),
            static async (connection, state, ct) =>
            {
                await using var command = Command(connection, null, Sql.DeleteUpload, Text("repository", state.repository), Text("id", state.id));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            cancellationToken);

    /// <summary>Sessions started strictly before <paramref name="cutoff"/> (compared to the millisecond), oldest first.</summary>
    public Task<IReadOnlyList<UploadSession>> ListUploadsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        Run(
            cutoff.ToUnixTimeMilliseconds(),
            static async (connection, cutoff, ct) =>
            {
                await using var command = Command(connection, null, Sql.ListUploadsStartedBefore, BigInt("cutoff", cutoff));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var uploads = new List<UploadSession>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    uploads.Add(new UploadSession(reader.GetString(0), reader.GetString(1), FromUnixMilliseconds(reader.GetInt64(2))));
                }

                return (IReadOnlyList<UploadSession>)uploads;
            },
            cancellationToken);
}
