using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace EdgeRegistry.Origin.Tests.Harness;

/// <summary>
/// A throwaway PostgreSQL server as a child process: a fresh cluster (initdb, trust authentication, superuser
/// <c>postgres</c>) in a temp directory, listening on a free 127.0.0.1 port with its unix socket in that directory,
/// fsync off. Run as the <c>postgres</c> OS user when the tests run as root (PostgreSQL refuses root). The binaries are
/// Debian's (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, the newest installed). Disposing stops it and deletes the directory.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string OsUser = "postgres";

    private readonly StringBuilder output = new();
    private readonly string bin;
    private Process? process;

    private PostgresServer(string bin, string directory, int port)
    {
        this.bin = bin;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    private string DataDirectory => Path.Combine(Directory, "data");

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Creates the cluster and starts the server; returns once it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken)
    {
        var bin = LocateBinaries();
        var directory = System.IO.Directory.CreateTempSubdirectory("edgeregistry-postgres-").FullName;
        var server = new PostgresServer(bin, directory, FreePort());
        try
        {
            if (IsRoot)
            {
                await RunAsync("chown", [OsUser, directory], cancellationToken);
            }

            await RunAsync(
                Path.Combine(bin, "initdb"),
                ["-D", server.DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"],
                cancellationToken,
                asPostgres: true);

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartProcessAsync(cancellationToken);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("already in use", StringComparison.Ordinal))
                {
                    server = new PostgresServer(bin, directory, FreePort());
                }
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The connection string of <paramref name="database"/> on this server, over TCP.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            // The tests make many data sources one after the other; each keeps few connections.
            MaxPoolSize = 20,
        }.ConnectionString;

    /// <summary>
    /// Creates a new empty database and returns its name. Its default collation is ICU's en-US, which sorts "B" between
    /// "a" and "c" and ignores punctuation at first: a listing that orders by the database's collation instead of
    /// byte-wise shows at once.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync("postgres", $"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'", cancellationToken);
        return name;
    }

    /// <summary>Drops the database, closing any connection still open to it.</summary>
    public Task DropDatabaseAsync(string name, CancellationToken cancellationToken) =>
        ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", cancellationToken);

    /// <summary>Runs one statement on <paramref name="database"/> over a connection of its own (not pooled).</summary>
    public async Task ExecuteAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs one query on <paramref name="database"/> and returns the first column of its first row.</summary>
    public async Task<object?> QueryScalarAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    // Immediate: the data is thrown away, so nothing needs to be flushed.
                    await RunAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], CancellationToken.None, asPostgres: true);
                }
            }
            catch (InvalidOperationException)
            {
                // pg_ctl failed; the kill below ends it.
            }

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var startInfo = StartInfo(
            Path.Combine(bin, "postgres"),
            [
                "-D", DataDirectory,
                "-p", Port.ToString(CultureInfo.InvariantCulture),
                "-k", Directory,
                "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                "-c", "max_connections=200",
            ],
            asPostgres: true);
        process = await ReadyLineProcess.StartAsync(
            startInfo, "ready to accept connections", StringComparison.Ordinal, TimeSpan.FromSeconds(60), output, $"postgres on port {Port}", cancellationToken);
    }

    private static ProcessStartInfo StartInfo(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var startInfo = asPostgres && IsRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(file);
        if (asPostgres && IsRoot)
        {
            foreach (var argument in new[] { "-u", OsUser, "--", file })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.UseShellExecute = false;
        return startInfo;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool asPostgres = false)
    {
        var startInfo = StartInfo(file, arguments, asPostgres);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        using var run = Process.Start(startInfo) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = run.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = run.StandardError.ReadToEndAsync(cancellationToken);
        await run.WaitForExitAsync(cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({run.ExitCode}): {await stdout}{await stderr}");
        }
    }

    private static string LocateBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var bin = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root)
                .Select(d => (Path: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Path, "postgres")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Path)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException($"PostgreSQL is not installed (no {root}/<version>/bin/postgres): apt-get install postgresql");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
