using Microsoft.Data.Sqlite;

namespace EdgeRegistry.Origin.Metadata.Sqlite;

/// <summary>Upload sessions.</summary>
internal sealed partial class SqliteMetadataStore
{
    /// <summary>Records the session with its own <see cref="UploadSession.Started"/>; <see cref="InvalidOperationException"/> when the id exists in the repository.</summary>
    public Task CreateUploadAsync(UploadSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Write(
            session,
            static (db, upload) =>
            {
                var command = db.Command(Sql.InsertUpload, "@repository", "@id", "@started");
                command.Parameters[0].Value = upload.Repository;
                command.Parameters[1].Value = upload.Id;
                command.Parameters[2].Value = upload.Started.ToUnixTimeMilliseconds();
                return command.ExecuteNonQuery() > 0
                    ? true
                    : throw new InvalidOperationException($"Upload '{upload.Id}' already exists in '{upload.Repository}'.");
            },
            durable: false,
            cancellationToken);
    }

    public Task<UploadSession?> GetUploadAsync(string repository, string id, CancellationToken cancellationToken) =>
        Read(
            (repository, id),
            static (session, state) =>
            {
                var command = session.Command(Sql.GetUpload, "@repository", "@id");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.id;
                return command.ExecuteScalar() is long started
                    ? new UploadSession(state.repository, state.id, FromUnixMilliseconds(started))
                    : null;
            },
            cancellationToken);

    /// <summary>Forgets the session; nothing happens when it is not there.</summary>
    public Task DeleteUploadAsync(string repository, string id, CancellationToken cancellationToken) =>
        Write(
            (repository, id),
            static (session, state) =>
            {
                var command = session.Command(Sql.DeleteUpload, "@repository", "@id");
                command.Parameters[0].Value = state.repository;
                command.Parameters[1].Value = state.id;
                return command.ExecuteNonQuery() > 0;
            },
            durable: false,
            cancellationToken);

    /// <summary>Sessions started strictly before <paramref name="cutoff"/> (compared to the millisecond), oldest first.</summary>
    public Task<IReadOnlyList<UploadSession>> ListUploadsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        Read(
            cutoff.ToUnixTimeMilliseconds(),
            static (session, cutoff) =>
            {
                var command = session.Command(Sql.ListUploadsStartedBefore, "@cutoff");
                command.Parameters[0].Value = cutoff;
                using var reader = command.ExecuteReader();
                var uploads = new List<UploadSession>();
                while (reader.Read())
                {
                    uploads.Add(new UploadSession(reader.GetString(0), reader.GetString(1), FromUnixMilliseconds(reader.GetInt64(2))));
                }

                return (IReadOnlyList<UploadSession>)uploads;
            },
            cancellationToken);
}
