using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OpenMemory.Build.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into a temp folder, started on a free port on 127.0.0.1, stopped and
/// deleted on dispose. Runs the server as the 'postgres' OS user when the tests run as root (PostgreSQL refuses
/// root). Binaries come from OMB_PG_BIN, or the newest /usr/lib/postgresql/*/bin.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string SuperuserPassword = "omb-superuser-secret";
    private readonly string _bin;
    private readonly string _dataDirectory;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private PostgresServer(string bin, string root, int port, bool asPostgresUser)
    {
        _bin = bin;
        Root = root;
        _dataDirectory = System.IO.Path.Combine(root, "data");
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public string Root { get; }

    public string Host => "127.0.0.1";

    /// <summary>Starts a new cluster; throws with initdb/pg_ctl output when that fails.</summary>
    public static PostgresServer Start(bool durable = false)
    {
        var bin = FindBinaries();
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"omb-pg-{Guid.NewGuid():N}"[..19]);
        Directory.CreateDirectory(root);
        var asPostgresUser = Environment.UserName == "root";
        var server = new PostgresServer(bin, root, FreePort(), asPostgresUser);
        try
        {
            server.Initialize(durable);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public string ConnectionString(string database = "postgres", string user = "postgres", string? password = SuperuserPassword) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = database,
            Username = user,
            Password = password,
            Pooling = false,
            Timeout = 15,
        }.ConnectionString;

    public string Url(string database, string user = "postgres", string password = SuperuserPassword) =>
        $"postgresql://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@{Host}:{Port}/{Uri.EscapeDataString(database)}";

    /// <summary>Creates a new empty database with a unique name and returns that name.</summary>
    public string CreateDatabase(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        Execute($"CREATE DATABASE \"{name}\"");
        return name;
    }

    public void DropDatabase(string database) => Execute($"DROP DATABASE \"{database}\"");

    public void Execute(string sql, string database = "postgres")
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public object? Scalar(string sql, string database = "postgres")
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public List<object?[]> Rows(string sql, string database = "postgres")
    {
        using var connection = new NpgsqlConnection(ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>psql from the same installation, as the superuser, with the password passed only through PGPASSWORD.</summary>
    public ProcessResult Psql(string database, params string[] arguments) =>
        ProcessRunner.Run(PsqlPath, ["-h", Host, "-p", Port.ToString(), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q", .. arguments],
            environment: new Dictionary<string, string?> { ["PGPASSWORD"] = SuperuserPassword });

    /// <summary>pg_dump from the same installation, as the superuser; its random \restrict keys are dropped so two dumps compare.</summary>
    public string PgDump(string database, params string[] arguments)
    {
        var output = PgDumpRaw(database, arguments);
        return string.Join('\n', output.Split('\n').Where(line => !line.StartsWith("\\restrict", StringComparison.Ordinal) && !line.StartsWith("\\unrestrict", StringComparison.Ordinal)));
    }

    /// <summary>pg_dump's output as it writes it to a file: nothing dropped, nothing added.</summary>
    public string PgDumpRaw(string database, params string[] arguments)
    {
        var file = System.IO.Path.Combine(Root, $"dump-{Guid.NewGuid():N}.sql");
        var dump = ProcessRunner.Run(System.IO.Path.Combine(_bin, "pg_dump"), ["-h", Host, "-p", Port.ToString(), "-U", "postgres", "-d", database, "-f", file, .. arguments],
            environment: new Dictionary<string, string?> { ["PGPASSWORD"] = SuperuserPassword });
        if (!dump.Succeeded)
        {
            throw new InvalidOperationException($"pg_dump failed:\n{dump.Output}");
        }

        var text = File.ReadAllText(file);
        File.Delete(file);
        return text;
    }

    public string PsqlPath => File.Exists(System.IO.Path.Combine(_bin, "psql")) ? System.IO.Path.Combine(_bin, "psql") : "psql";

    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (File.Exists(System.IO.Path.Combine(_dataDirectory, "postmaster.pid")))
        {
            RunAsServerUser(System.IO.Path.Combine(_bin, "pg_ctl"), ["-D", _dataDirectory, "-m", "immediate", "-w", "stop"]);
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private void Initialize(bool durable)
    {
        var passwordFile = System.IO.Path.Combine(Root, "pwfile");
        File.WriteAllText(passwordFile, SuperuserPassword);
        if (_asPostgresUser)
        {
            Check(ProcessRunner.Run("chown", ["-R", "postgres:postgres", Root]), "chown");
        }

        Check(RunAsServerUser(System.IO.Path.Combine(_bin, "initdb"),
            ["-D", _dataDirectory, "-U", "postgres", "--pwfile", passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-instructions"]), "initdb");
        var settings = $"-p {Port} -k {Root} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=64MB"
            + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        Check(RunAsServerUser(System.IO.Path.Combine(_bin, "pg_ctl"),
            ["-D", _dataDirectory, "-o", settings, "-l", System.IO.Path.Combine(Root, "server.log"), "-w", "-t", "60", "start"]), "pg_ctl start");
    }

    private ProcessResult RunAsServerUser(string program, string[] arguments) =>
        _asPostgresUser
            ? ProcessRunner.Run("runuser", ["-u", "postgres", "--", program, .. arguments], Root)
            : ProcessRunner.Run(program, arguments, Root);

    private void Check(ProcessResult result, string step)
    {
        if (!result.Succeeded)
        {
            var log = System.IO.Path.Combine(Root, "server.log");
            throw new InvalidOperationException($"{step} failed ({result.ExitCode}):\n{result.Output}\n{(File.Exists(log) ? File.ReadAllText(log) : "")}");
        }
    }

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("OMB_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => System.IO.Path.Combine(d, "bin"))
                .Where(d => File.Exists(System.IO.Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(d)), out var v) ? v : 0)
                .ToList()
            : [];
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql/*/bin. Install them (apt-get install postgresql) or set OMB_PG_BIN.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
