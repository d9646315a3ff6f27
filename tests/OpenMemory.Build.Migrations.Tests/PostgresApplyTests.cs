using Npgsql;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresApplyTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    private MigrationOptions Options(string database, string schema = "app", MigrationMode mode = MigrationMode.Apply, string module = "test") => new()
    {
        Module = module,
        Provider = "postgres",
        ConnectionString = _server.ConnectionString(database),
        Schema = schema,
        Mode = mode,
        LockTimeout = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public void Migrates_into_its_own_schema_with_history_there_and_then_does_nothing()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_docs.sql", "CREATE TABLE {{tables.documents}} (id int PRIMARY KEY);");
        _workspace.Add("2_chunks.sql", "CREATE TABLE {{tables.chunks}} (id int PRIMARY KEY, document_id int REFERENCES {{tables.documents}}(id));\nCREATE INDEX chunks_doc ON {{tables.chunks}}(document_id);");

        var result = _workspace.Run(Options(database, "openmemory"));
        Assert.True(result.Succeeded, _workspace.Explain(result));

        Assert.Equal(["chunks", "documents", "schema_migrations"],
            _server.Rows("SELECT tablename FROM pg_tables WHERE schemaname = 'openmemory' ORDER BY 1", database).Select(r => (string)r[0]!));
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database));
        Assert.Equal(["1", "2"], _server.Rows("SELECT version FROM openmemory.schema_migrations ORDER BY applied_at, version", database).Select(r => (string)r[0]!));
        Assert.Equal("postgres", _server.Scalar("SELECT DISTINCT applied_by FROM openmemory.schema_migrations", database));

        var again = _workspace.Run(Options(database, "openmemory"));
        Assert.True(again.Succeeded, _workspace.Explain(again));
        Assert.Equal(0, again.AppliedNowCount);
    }

    [Fact]
    public void The_public_schema_is_refused_with_its_reasons_and_nothing_changes()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_docs.sql", "CREATE TABLE {{tables.documents}} (id int);");

        var result = _workspace.Run(Options(database, "public"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB2006", error.Code);
        Assert.Contains("pg_dump --schema", error.Message);
        Assert.Contains("DROP SCHEMA public CASCADE", error.Message);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')", database));

        var allowed = _workspace.Run(Options(database, "public") is var o ? new MigrationOptions
        {
            Module = o.Module, Provider = o.Provider, ConnectionString = o.ConnectionString, Schema = "public", AllowPublicSchema = true,
        } : null!);
        Assert.True(allowed.Succeeded, _workspace.Explain(allowed));
    }

    [Fact]
    public void A_failing_statement_on_line_12_is_reported_at_line_12_with_its_sqlstate()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_ok.sql", "CREATE TABLE {{tables.a}} (id int);");
        var file = _workspace.Add("2_bad.sql", """
            -- Line 1
            CREATE TABLE {{tables.b}} (
              id int PRIMARY KEY,
              name text
            );

            INSERT INTO {{tables.b}} (id, name)
              VALUES (1, 'one');

            INSERT INTO {{tables.b}} (id, name)
              VALUES (2, 'two'),
                     (3, {{tables.missing_column_typo}}.nope);
            """);

        var result = _workspace.Run(Options(database));

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4001", error.Code);
        Assert.Equal(file, error.File);
        Assert.Equal(12, error.Line);
        Assert.Contains("SQLSTATE 42P01", error.Message);
        Assert.Equal(["a", "schema_migrations"], _server.Rows("SELECT tablename FROM pg_tables WHERE schemaname = 'app' ORDER BY 1", database).Select(r => (string)r[0]!));
        Assert.Equal(1L, _server.Scalar("SELECT count(*) FROM app.schema_migrations", database));
    }

    [Fact]
    public void Error_columns_map_through_template_expansion()
    {
        var database = _server.CreateDatabase();
        var file = _workspace.Add("1_bad.sql", "CREATE TABLE {{tables.a}} (id int);\nSELECT id FROM {{tables.a}} WHERE nope = 1;");
        var error = Assert.Single(_workspace.Run(Options(database)).Errors);
        Assert.Equal((file, 2, 35), (error.File, error.Line, error.Column));
        Assert.Contains("SQLSTATE 42703", error.Message);
    }

    [Fact]
    public async Task Eight_engine_runs_started_at_once_apply_each_migration_exactly_once()
    {
        var database = _server.CreateDatabase();
        for (var i = 1; i <= 12; i++)
        {
            _workspace.Add($"{i:000}_step.sql", $"CREATE TABLE {{{{tables.t{i}}}}} (id int);\nINSERT INTO {{{{tables.counter}}}} SELECT 1 WHERE {i} > 1;".Replace("WHERE 1 > 1", "WHERE false"));
        }

        _workspace.Add("000_counter.sql", "CREATE TABLE {{tables.counter}} (n int);");
        var runs = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            new Migrator().MigrateAsync(Discovery.FileSystemMigrationSource.FromDirectory(_workspace.MigrationsFolder), Options(database)))).ToArray();
        await Task.WhenAll(runs);

        Assert.All(runs, r => Assert.True(r.Result.Succeeded, string.Join('\n', r.Result.Diagnostics)));
        Assert.Equal(13, runs.Sum(r => r.Result.AppliedNowCount));
        Assert.Equal(13L, _server.Scalar("SELECT count(*) FROM app.schema_migrations", database));
        Assert.Equal(11L, _server.Scalar("SELECT count(*) FROM app.counter", database));
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", database));
    }

    [Fact]
    public void The_app_role_gets_dml_but_not_ddl_and_cannot_touch_the_history()
    {
        var database = _server.CreateDatabase();
        _server.Execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'om_app') THEN CREATE ROLE om_app LOGIN PASSWORD 'app-secret'; END IF; END $$");
        _workspace.Add("1_items.sql", "CREATE TABLE {{tables.items}} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text);");
        var options = Options(database, "tenant");
        var result = _workspace.Run(new MigrationOptions { Module = options.Module, Provider = "postgres", ConnectionString = options.ConnectionString, Schema = "tenant", AppRole = "om_app" });
        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Contains(_workspace.Log.Lines, l => l.Contains("Granted DML rights"));

        using var app = new NpgsqlConnection(_server.ConnectionString(database, "om_app", "app-secret"));
        app.Open();
        Execute(app, "INSERT INTO tenant.items (name) VALUES ('a')");
        Execute(app, "UPDATE tenant.items SET name = 'b'");
        Assert.Equal(1L, new NpgsqlCommand("SELECT count(*) FROM tenant.items", app).ExecuteScalar());
        Assert.Equal(1L, new NpgsqlCommand("SELECT count(*) FROM tenant.schema_migrations", app).ExecuteScalar());
        Assert.Equal("42501", Assert.Throws<PostgresException>(() => Execute(app, "CREATE TABLE tenant.sneaky (id int)")).SqlState);
        Assert.Equal("42501", Assert.Throws<PostgresException>(() => Execute(app, "DELETE FROM tenant.schema_migrations")).SqlState);

        // Default privileges cover tables that later migrations create.
        _workspace.Add("2_more.sql", "CREATE TABLE {{tables.more}} (id int);");
        Assert.True(_workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = options.ConnectionString, Schema = "tenant", AppRole = "om_app" }).Succeeded);
        Execute(app, "INSERT INTO tenant.more VALUES (1)");
    }

    [Fact]
    public void A_missing_app_role_is_a_coded_error_that_says_how_to_create_it()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_items.sql", "CREATE TABLE {{tables.items}} (id int);");
        var result = _workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = "s", AppRole = "nobody_here" });
        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4013", error.Code);
        Assert.Contains("CREATE ROLE", error.Message);
    }

    [Fact]
    public void A_bad_file_stops_the_run_before_the_database_and_the_connection_opened_meanwhile_is_closed()
    {
        // The engine connects while it reads the files; a bad file must still leave the database untouched, close that
        // connection, and be the only error, also when the server cannot be reached.
        var database = _server.CreateDatabase();
        _workspace.Add("1_a.sql", "CREATE TABLE {{tables.a}} (id int);");
        _workspace.Add("2_b.sql", "  \n\t\n");

        var result = _workspace.Run(Options(database));
        Assert.Equal("OMB1004", Assert.Single(result.Errors).Code);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'app'", database));
        // A connection left behind would be established by now, and open until the garbage collector finds it (seconds);
        // a closed one leaves its server process within moments.
        Thread.Sleep(500);
        var open = -1L;
        for (var waited = 0; waited < 10 && open != 0; waited++)
        {
            Thread.Sleep(waited == 0 ? 0 : 50);
            open = (long)_server.Scalar($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()", database)!;
        }

        Assert.Equal(0L, open);

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var unreachable = Options(database);
        var offline = _workspace.Run(new MigrationOptions
        {
            Module = unreachable.Module, Provider = "postgres", Schema = "app", ConnectTimeoutSeconds = 3,
            ConnectionString = $"Host=127.0.0.1;Port={closedPort};Database={database};Username=postgres;Password=x",
        });
        Assert.Equal("OMB1004", Assert.Single(offline.Errors).Code);
    }

    [Fact]
    public void Urls_connect_and_a_missing_database_is_created_only_when_asked()
    {
        var name = $"created_{Guid.NewGuid():N}"[..20];
        _workspace.Add("1_a.sql", "CREATE TABLE {{tables.a}} (id int);");
        var url = _server.Url(name) + "?sslmode=disable&application_name=omb-test";

        var refused = _workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = url, Schema = "s" });
        Assert.Equal("OMB4005", Assert.Single(refused.Errors).Code);
        Assert.Equal(0L, _server.Scalar($"SELECT count(*) FROM pg_database WHERE datname = '{name}'"));

        var created = _workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = url, Schema = "s", CreateDatabase = true });
        Assert.True(created.Succeeded, _workspace.Explain(created));
        Assert.Equal(1L, _server.Scalar("SELECT count(*) FROM s.schema_migrations", name));
    }

    [Fact]
    public void A_bad_file_creates_no_database_even_when_asked_to_create_one()
    {
        var name = $"bad_{Guid.NewGuid():N}"[..20];
        _workspace.Add("1_a.sql", "CREATE TABLE {{tables.a}} (id int);");
        var empty = _workspace.Add("2_empty.sql", "  \n");

        var result = _workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = _server.ConnectionString(name), Schema = "s", CreateDatabase = true });

        Assert.Equal(("OMB1004", empty), (Assert.Single(result.Errors).Code, result.Errors[0].File));
        Assert.Equal(0L, _server.Scalar($"SELECT count(*) FROM pg_database WHERE datname = '{name}'"));
    }

    [Fact]
    public void A_role_that_may_not_create_the_schema_gets_the_statement_to_run()
    {
        var database = _server.CreateDatabase();
        _server.Execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'om_weak') THEN CREATE ROLE om_weak LOGIN PASSWORD 'weak-secret'; END IF; END $$");
        _server.Execute($"REVOKE CREATE ON DATABASE \"{database}\" FROM PUBLIC", database);
        _workspace.Add("1_a.sql", "CREATE TABLE {{tables.a}} (id int);");

        var result = _workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = _server.ConnectionString(database, "om_weak", "weak-secret"), Schema = "locked" });

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4006", error.Code);
        Assert.Contains("CREATE SCHEMA IF NOT EXISTS \"locked\" AUTHORIZATION \"om_weak\"", error.Message);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'locked'", database));
    }

    [Fact]
    public void Permission_failures_inside_a_migration_say_what_to_run_as_a_superuser()
    {
        var database = _server.CreateDatabase();
        _server.Execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'om_migrator') THEN CREATE ROLE om_migrator LOGIN PASSWORD 'migrator-secret'; END IF; END $$");
        _server.Execute($"CREATE SCHEMA llmemory AUTHORIZATION om_migrator", database);
        var file = _workspace.Add("1_ext.sql", "CREATE TABLE {{tables.documents}} (id int);\nCREATE EXTENSION IF NOT EXISTS pg_stat_statements;");

        var result = _workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = _server.ConnectionString(database, "om_migrator", "migrator-secret"), Schema = "llmemory" });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4007", file, 2), (error.Code, error.File, error.Line));
        Assert.Contains("CREATE EXTENSION", error.Message);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'documents'", database));
    }

    [Fact]
    public void A_held_lock_times_out_with_a_coded_error_naming_the_holder()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_a.sql", "CREATE TABLE {{tables.a}} (id int);");
        var key = Providers.Postgres.AdvisoryLockKey.For("run", "app", "test");
        using var holder = new NpgsqlConnection(_server.ConnectionString(database));
        holder.Open();
        new NpgsqlCommand($"SELECT pg_advisory_lock({key})", holder).ExecuteScalar();
        var pid = holder.ProcessID;

        var options = Options(database);
        var result = _workspace.Run(new MigrationOptions { Module = "test", Provider = "postgres", ConnectionString = options.ConnectionString, Schema = "app", LockTimeout = TimeSpan.FromSeconds(1) });

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4002", error.Code);
        Assert.Contains($"server process {pid}", error.Message);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'a'", database));
    }

    [Fact]
    public async Task Modules_starting_at_once_in_a_new_schema_create_it_once_and_each_records_its_own()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_t.sql", "CREATE TABLE {{tables.t}} (id int);\nINSERT INTO {{tables.t}} SELECT generate_series(1, 5000);\nSELECT pg_sleep(0.2);");
        _workspace.Add("2_u.sql", "ALTER TABLE {{tables.t}} ADD COLUMN note text;");
        string[] modules = ["alpha", "beta", "gamma"];

        // Three runs of each module at once: one of each creates the schema and history table in its first migration.
        var runs = modules.SelectMany(module => Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            new Migrator().MigrateAsync(Discovery.FileSystemMigrationSource.FromDirectory(_workspace.MigrationsFolder),
                new MigrationOptions
                {
                    Module = module,
                    Provider = "postgres",
                    ConnectionString = _server.ConnectionString(database),
                    Schema = "app",
                    TableMap = new Dictionary<string, string> { ["t"] = $"t_{module}" },
                    LockTimeout = TimeSpan.FromSeconds(60),
                })))).ToArray();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(runs, r => Assert.True(r.Result.Succeeded, string.Join('\n', r.Result.Diagnostics)));
        Assert.Equal(6, runs.Sum(r => r.Result.AppliedNowCount));
        Assert.Equal(6L, _server.Scalar("SELECT count(*) FROM app.schema_migrations", database));
        Assert.All(modules, m => Assert.Equal(5000L, _server.Scalar($"SELECT count(*) FROM app.t_{m}", database)));
    }

    [Fact]
    public async Task Create_index_concurrently_runs_without_a_transaction_while_another_run_waits_for_the_lock()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_t.sql", "CREATE TABLE {{tables.t}} (id int);\nINSERT INTO {{tables.t}} SELECT generate_series(1, 20000);");
        _workspace.Add("2_idx.sql", "-- omb:no-transaction\nCREATE INDEX CONCURRENTLY t_id ON {{tables.t}} (id);\nSELECT pg_sleep(0.5);");

        var runs = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            new Migrator().MigrateAsync(Discovery.FileSystemMigrationSource.FromDirectory(_workspace.MigrationsFolder), Options(database)))).ToArray();

        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(runs, r => Assert.True(r.Result.Succeeded, string.Join('\n', r.Result.Diagnostics)));
        Assert.Equal(2L, _server.Scalar("SELECT count(*) FROM app.schema_migrations", database));
        Assert.Equal(true, _server.Scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'app.t_id'::regclass", database));
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose() => _workspace.Dispose();
}
