using System.Net;
using System.Net.Sockets;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>
/// The bad-input catalog: every case starts from a database with one applied migration, introduces one bad input,
/// and must fail with its own code (located at the file, and line, where there is one) leaving the database
/// exactly as it was.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BadInputTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    public sealed record Spec(
        string Provider,
        string Module = "test",
        string? Connection = null,
        string? Schema = "app",
        IReadOnlyDictionary<string, string>? Tables = null,
        string? AppRole = null,
        string? Baseline = null,
        int ConnectTimeout = 15,
        double LockTimeoutSeconds = 30,
        MigrationMode Mode = MigrationMode.Apply,
        int CancelAfterMilliseconds = 0);

    public sealed record Case(string Code, string Provider, Func<Context, Spec, Spec> Arrange, bool Located = false, int Line = 0);

    public sealed class Context(MigrationWorkspace workspace, PostgresServer server, string database)
    {
        public MigrationWorkspace Workspace { get; } = workspace;

        public PostgresServer Server { get; } = server;

        public string Database { get; } = database;

        public string Add(string name, string sql) => Workspace.Add(name, sql);

        public string Located { get; set; } = "";
    }

    private static readonly Dictionary<string, Case> Catalog = new()
    {
        ["duplicate version"] = new("OMB1002", "sqlite", (c, s) => { c.Located = c.Add("2_a.sql", "SELECT 1;"); c.Add("002_b.sql", "SELECT 2;"); return s; }),
        ["file name without a version"] = new("OMB1001", "sqlite", (c, s) => { c.Located = c.Add("add_users.sql", "SELECT 1;"); return s; }, Located: true),
        ["empty file"] = new("OMB1004", "sqlite", (c, s) => { c.Located = c.Add("2_empty.sql", ""); return s; }, Located: true),
        ["whitespace-only file"] = new("OMB1004", "sqlite", (c, s) => { c.Located = c.Add("2_blank.sql", "  \n\t\r\n  "); return s; }, Located: true),
        ["invalid UTF-8"] = new("OMB1005", "sqlite", (c, s) =>
        {
            c.Located = c.Add("2_latin1.sql", "");
            File.WriteAllBytes(c.Located, [.. "SELECT 1;\nSELECT '"u8.ToArray(), 0xE9, .. "t\xE9';"u8.ToArray()]);
            return s;
        }, Located: true, Line: 2),
        ["two variants of one migration for one provider"] = new("OMB1011", "postgres", (c, s) => { c.Add("2_x.postgres.sql", "SELECT 1;"); c.Located = c.Add("2_x.postgresql.sql", "SELECT 2;"); return s; }, Located: true),
        ["sqlite database path that is a folder"] = new("OMB4012", "sqlite", (c, s) =>
        {
            Directory.CreateDirectory(c.Workspace.Root + "/folder.sqlite");
            return s with { Connection = $"Data Source={c.Workspace.Root}/folder.sqlite" };
        }),
        ["missing provider variant"] = new("OMB1003", "sqlite", (c, s) => { c.Located = c.Add("2_tenants.postgres.sql", "SELECT 1;"); return s; }, Located: true),
        ["unknown provider variant in a file name"] = new("OMB1008", "sqlite", (c, s) => { c.Located = c.Add("2_tenants.sqlit.sql", "SELECT 1;"); return s; }, Located: true),
        ["unknown provider"] = new("OMB2001", "sqlite", (_, s) => s with { Provider = "oracle" }),
        ["unknown placeholder"] = new("OMB1006", "sqlite", (c, s) => { c.Located = c.Add("2_x.sql", "SELECT 1;\nSELECT * FROM {{table.users}};"); return s; }, Located: true, Line: 2),
        ["unterminated string"] = new("OMB1010", "sqlite", (c, s) => { c.Located = c.Add("2_x.sql", "SELECT 1;\nINSERT INTO t VALUES ('oops);"); return s; }, Located: true, Line: 2),
        ["transaction control in a migration"] = new("OMB1012", "sqlite", (c, s) => { c.Located = c.Add("2_x.sql", "CREATE TABLE b (id INTEGER);\nCOMMIT;"); return s; }, Located: true, Line: 2),
        ["schema with a quote and semicolon"] = new("OMB2002", "postgres", (_, s) => s with { Schema = "app\"; DROP SCHEMA app CASCADE; --" }),
        ["schema with a space"] = new("OMB2002", "postgres", (_, s) => s with { Schema = "my schema" }),
        ["schema of 64 characters"] = new("OMB2002", "postgres", (_, s) => s with { Schema = new string('s', 64) }),
        ["table map value with a semicolon"] = new("OMB2002", "postgres", (_, s) => s with { Tables = new Dictionary<string, string> { ["memories"] = "memories; DROP TABLE x" } }),
        ["module with a quote"] = new("OMB2003", "sqlite", (_, s) => s with { Module = "m'; DELETE FROM schema_migrations; --" }),
        ["app role with a space"] = new("OMB2002", "postgres", (_, s) => s with { AppRole = "app role" }),
        ["malformed connection string"] = new("OMB2004", "postgres", (_, s) => s with { Connection = "Host=127.0.0.1;Bogus Keyword=1;Password=hunter2" }),
        ["malformed URL"] = new("OMB2004", "postgres", (_, s) => s with { Connection = "postgresql://u:hunter2@127.0.0.1:notaport/db" }),
        ["malformed sqlite connection string"] = new("OMB2004", "sqlite", (_, s) => s with { Connection = "Data Source=x.db;Nonsense=1" }),
        ["no postgres connection"] = new("OMB2005", "postgres", (_, s) => s with { Connection = "" }),
        ["invalid baseline version"] = new("OMB2008", "sqlite", (_, s) => s with { Baseline = "one.two" }),
        ["wrong password"] = new("OMB4004", "postgres", (c, s) => s with { Connection = c.Server.ConnectionString(c.Database, password: "wrong-password") }),
        ["unreachable port"] = new("OMB4003", "postgres", (c, s) => s with { Connection = $"Host=127.0.0.1;Port={ClosedPort()};Database={c.Database};Username=postgres;Password=x", ConnectTimeout = 3 }),
        ["server that never answers"] = new("OMB4011", "postgres", (c, s) => s with { Connection = $"Host=127.0.0.1;Port={SilentListener.Port};Database={c.Database};Username=postgres;Password=x", ConnectTimeout = 2 }),
        ["missing database without create"] = new("OMB4005", "postgres", (c, s) => s with { Connection = c.Server.ConnectionString("no_such_database_here") }),
        ["read-only sqlite database"] = new("OMB4008", "sqlite", (c, s) => { c.Add("2_more.sql", "CREATE TABLE more (id INTEGER);"); return s with { Connection = $"Data Source={c.Workspace.DatabasePath};Mode=ReadOnly" }; }),
        ["applied migration whose file is gone"] = new("OMB3002", "sqlite", (c, s) => { c.Workspace.Remove("1_base.sql"); return s; }),
        ["history table altered by hand"] = new("OMB3005", "sqlite", (c, s) => { Sqlite(c, "ALTER TABLE schema_migrations DROP COLUMN applied_by"); c.Add("2_more.sql", "SELECT 1;"); return s; }),
        ["history table altered by hand on postgres"] = new("OMB3005", "postgres", (c, s) => { c.Server.Execute("ALTER TABLE app.schema_migrations DROP COLUMN kind", c.Database); c.Add("2_more.sql", "SELECT 1;"); return s; }),
        ["migration failing half-way"] = new("OMB4001", "sqlite", (c, s) => { c.Located = c.Add("2_half.sql", "CREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);\nINSERT INTO nowhere VALUES (1);"); return s; }, Located: true, Line: 3),
        ["migration failing half-way on postgres"] = new("OMB4001", "postgres", (c, s) => { c.Located = c.Add("2_half.sql", "CREATE TABLE {{tables.half}} (id int);\nINSERT INTO {{tables.half}} VALUES (1);\nSELECT 1/0;"); return s; }, Located: true, Line: 3),
        ["ctrl+c during a run"] = new("OMB4009", "postgres", (c, s) => { c.Add("2_slow.sql", "CREATE TABLE {{tables.slow}} (id int);\nSELECT pg_sleep(30);"); return s with { CancelAfterMilliseconds = 1500 }; }),
        ["ctrl+c during a long sqlite statement"] = new("OMB4009", "sqlite", (c, s) =>
        {
            c.Add("2_slow.sql", "CREATE TABLE slow (id INTEGER);\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n;");
            return s with { CancelAfterMilliseconds = 1500 };
        }),
        ["migration lock held elsewhere"] = new("OMB4002", "postgres", (c, s) =>
        {
            HeldLock.Take(c.Server.ConnectionString(c.Database), Providers.Postgres.AdvisoryLockKey.For("run", "app", "test"));
            c.Add("2_more.sql", "SELECT 1;");
            return s with { LockTimeoutSeconds = 1 };
        }),
        ["modified applied migration"] = new("OMB3001", "sqlite", (c, s) => { c.Located = c.Add("1_base.sql", "CREATE TABLE base (id INTEGER, x INTEGER);"); return s; }, Located: true),
        ["out-of-order migration"] = new("OMB3003", "sqlite", (c, s) => { c.Located = c.Add("0_before.sql", "SELECT 1;"); return s; }, Located: true),
    };

    public static TheoryData<string> Cases => [.. Catalog.Keys];

    [Fact]
    public void The_catalog_has_at_least_25_cases_with_distinct_inputs() => Assert.True(Catalog.Count >= 25, $"{Catalog.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_bad_input_has_its_code_and_leaves_the_database_unchanged(string name)
    {
        var @case = Catalog[name];
        var database = @case.Provider == "postgres" ? _server.CreateDatabase() : "";
        var context = new Context(_workspace, _server, database);
        var base_ = @case.Provider == "postgres"
            ? new Spec("postgres", Connection: _server.ConnectionString(database))
            : new Spec("sqlite", Connection: $"Data Source={_workspace.DatabasePath}");
        _workspace.Add("1_base.sql", "CREATE TABLE {{tables.base}} (id INTEGER);");
        Assert.True(_workspace.Run(ToOptions(base_)).Succeeded, _workspace.Log.Text);
        var spec = @case.Arrange(context, base_);
        var before = Fingerprint(@case.Provider, database);
        using var cancellation = new CancellationTokenSource();
        if (spec.CancelAfterMilliseconds > 0)
        {
            cancellation.CancelAfter(spec.CancelAfterMilliseconds);
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var log = new ListLogger();
        var result = await new Migrator(log).MigrateAsync(FileSystemMigrationSource.FromDirectory(_workspace.MigrationsFolder), ToOptions(spec), cancellation.Token);
        var explain = $"{string.Join('\n', result.Diagnostics)}\n{log.Text}";

        var error = Assert.Single(result.Errors);
        Assert.True(@case.Code == error.Code, explain);
        if (@case.Located)
        {
            Assert.Equal(context.Located, error.File);
        }

        if (@case.Line > 0)
        {
            Assert.True(@case.Line == error.Line, explain);
        }

        Assert.DoesNotContain("hunter2", explain);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(25), $"took {started.Elapsed}: no hang");
        HeldLock.Release();
        Assert.Equal(before, Fingerprint(@case.Provider, database));
    }

    private MigrationOptions ToOptions(Spec spec) => new()
    {
        Module = spec.Module,
        Provider = spec.Provider,
        ConnectionString = spec.Connection,
        Schema = spec.Schema,
        TableMap = spec.Tables ?? new Dictionary<string, string>(),
        AppRole = spec.AppRole,
        BaselineVersion = spec.Baseline,
        ConnectTimeoutSeconds = spec.ConnectTimeout,
        LockTimeout = TimeSpan.FromSeconds(spec.LockTimeoutSeconds),
        Mode = spec.Mode,
    };

    /// <summary>Everything a run could have changed: the SQLite file's bytes, or PostgreSQL's objects and history.</summary>
    private List<string> Fingerprint(string provider, string database)
    {
        if (provider == "sqlite")
        {
            return [Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_workspace.DatabasePath)))];
        }

        return
        [
            .. _server.Rows("SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1", database).Select(r => (string)r[0]!),
            .. _server.Rows("SELECT to_jsonb(h)::text FROM app.schema_migrations h ORDER BY version", database).Select(r => (string)r[0]!),
        ];
    }

    private static void Sqlite(Context context, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={context.Workspace.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Accepts TCP connections on 127.0.0.1 and never says a word: a server that hangs.</summary>
    private static class SilentListener
    {
        private static readonly TcpListener Listener = Start();
        private static readonly List<Socket> Accepted = [];

        public static int Port => ((IPEndPoint)Listener.LocalEndpoint).Port;

        private static TcpListener Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (true)
                {
                    var socket = await listener.AcceptSocketAsync();
                    lock (Accepted)
                    {
                        Accepted.Add(socket);
                    }
                }
            });
            return listener;
        }
    }

    /// <summary>An advisory lock held by another session, as another migration run would hold it.</summary>
    private static class HeldLock
    {
        private static Npgsql.NpgsqlConnection? _holder;

        public static void Take(string connectionString, long key)
        {
            _holder = new Npgsql.NpgsqlConnection(connectionString);
            _holder.Open();
            using var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({key})", _holder);
            command.ExecuteScalar();
        }

        public static void Release()
        {
            _holder?.Dispose();
            _holder = null;
        }
    }

    public void Dispose()
    {
        HeldLock.Release();
        _workspace.Dispose();
    }
}
