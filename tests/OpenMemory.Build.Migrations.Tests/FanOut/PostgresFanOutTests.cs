using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.FanOut;

/// <summary>One run over many tenant schemas of one PostgreSQL database: each its own history, lock and templating.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFanOutTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    /// <summary>Ten migrations as a tenant schema has them: unqualified names, {{schema}} in a function, data.</summary>
    private void AddTenantMigrations(int count = 10)
    {
        _workspace.Add("001_items.sql", "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\nINSERT INTO items (name) VALUES ('first'), ('second');");
        _workspace.Add("002_item_count.sql", "CREATE FUNCTION {{schema}}.item_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM {{schema}}.items $$;");
        for (var i = 3; i <= count; i++)
        {
            _workspace.Add($"{i:000}_step.sql", $"ALTER TABLE items ADD COLUMN c{i} integer NOT NULL DEFAULT {i};\nCREATE INDEX items_c{i} ON items (c{i});");
        }
    }

    private MigrationOptions Options(string database, Action<MigrationOptionsBuilder>? change = null)
    {
        var builder = new MigrationOptionsBuilder { ConnectionString = _server.ConnectionString(database) };
        change?.Invoke(builder);
        return builder.Build();
    }

    [Fact]
    public async Task Twenty_tenant_schemas_from_a_query_end_at_one_version_each_with_its_own_history_within_the_connection_bound()
    {
        AddTenantMigrations();
        var database = _server.CreateDatabase();
        _server.Execute("CREATE TABLE public.tenants (schema_name text, active boolean);\n"
            + "INSERT INTO public.tenants SELECT 'tenant_' || lpad(g::text, 3, '0'), g <> 7 FROM generate_series(1, 21) g;", database);
        using var watch = new ConnectionWatch(_server, database);

        var result = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, Options(database, o =>
        {
            o.TargetsQuery = "SELECT schema_name FROM public.tenants WHERE active ORDER BY schema_name";
            o.MaxParallelism = 3;
        }));

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.Equal(20, result.Targets.Count);
        Assert.All(result.Targets, t => Assert.Equal(("none", "010", 10), (t.Result.StartVersion ?? "none", t.EndVersion, t.Result.AppliedNowCount)));
        Assert.Equal(20L, _server.Scalar("SELECT count(*) FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid WHERE c.relname = 'schema_migrations' AND n.nspname LIKE 'tenant_%'", database));
        foreach (var tenant in new[] { "tenant_001", "tenant_021" })
        {
            Assert.Equal(10L, _server.Scalar($"SELECT count(*) FROM {tenant}.schema_migrations", database));
            Assert.Equal(2L, _server.Scalar($"SELECT {tenant}.item_count()", database));
        }

        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_007'", database));
        Assert.Equal(20, _workspace.Log.Lines.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[MIGRATE\] \d+/20 tenant_\d{3}: none -> 010, 10 applied \(\d+ ms\)$")));
        Assert.Contains(_workspace.Log.Lines, l => l.StartsWith("[MIGRATE] 20 target(s): 20 ok, 0 failed, 0 skipped; 200 migration(s) applied", StringComparison.Ordinal));
        Assert.InRange(watch.Peak, 1, 3 + 1);

        var again = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, Options(database, o => o.TargetsQuery = "SELECT schema_name FROM public.tenants WHERE active"));
        Assert.True(again.Succeeded, string.Join('\n', again.Diagnostics));
        Assert.Equal(0, again.Targets.Sum(t => t.Result.AppliedNowCount));
    }

    [Fact]
    public async Task Targets_of_one_database_reuse_the_fan_outs_connections_and_each_starts_from_a_clean_session()
    {
        // A temporary table and a session-level advisory lock outlive a migration's transaction on its connection.
        // A target that inherited the table would fail to create it again; one waiting for a lock that an idle pooled
        // connection still held would wait until that connection served another target, the last one for ever.
        _workspace.Add("001_who.sql", "CREATE TEMP TABLE leftover (id int);\nSET lock_timeout = '5s';\nSELECT pg_advisory_lock(4242);\n"
            + "CREATE TABLE who AS SELECT pg_backend_pid() AS pid;");
        var database = _server.CreateDatabase();
        var targets = Enumerable.Range(1, 8).Select(i => new MigrationTarget($"reuse_{i}")).ToList();

        var result = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, Options(database, o =>
        {
            o.Targets = targets;
            o.MaxParallelism = 2;
        }));

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        var pids = targets.Select(t => _server.Scalar($"SELECT pid FROM {t.Name}.who", database)).Distinct().Count();
        Assert.InRange(pids, 1, 2);
        Assert.Equal(0L, _server.Scalar($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()", database));
    }

    [Fact]
    public async Task A_failing_target_leaves_the_others_migrated_names_itself_at_its_line_and_a_rerun_after_the_fix_touches_only_it()
    {
        AddTenantMigrations(4);
        var database = _server.CreateDatabase();
        _server.Execute("CREATE SCHEMA t3; CREATE TABLE t3.items (id int);", database);
        var targets = Enumerable.Range(1, 6).Select(i => new MigrationTarget($"t{i}")).ToList();

        var first = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, Options(database, o => o.Targets = targets));

        var error = Assert.Single(first.Errors);
        Assert.Equal("OMB4001", error.Code);
        Assert.StartsWith("[t3] ", error.Message);
        Assert.Equal((Path.Combine(_workspace.MigrationsFolder, "001_items.sql"), 1), (error.File, error.Line));
        Assert.All(first.Targets.Where(t => t.Name != "t3"), t => Assert.Equal(4, t.Result.AppliedNowCount));
        Assert.Contains(_workspace.Log.Lines, l => l.Contains("t3: failed (OMB4001)", StringComparison.Ordinal));

        _server.Execute("DROP TABLE t3.items;", database);
        var rerun = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, Options(database, o => o.Targets = targets));
        Assert.True(rerun.Succeeded, string.Join('\n', rerun.Diagnostics));
        Assert.Equal(["t3"], rerun.Targets.Where(t => t.Result.AppliedNowCount > 0).Select(t => t.Name));
    }

    [Fact]
    public async Task A_targets_query_that_fails_is_OMB2017_and_nothing_is_created()
    {
        AddTenantMigrations(2);
        var database = _server.CreateDatabase();
        var before = _server.PgDump(database, "--schema-only");

        var result = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(database, o => o.TargetsQuery = "SELECT schema_name FROM public.no_such_table"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB2017", error.Code);
        Assert.Contains("no_such_table", error.Message);
        Assert.Equal(before, _server.PgDump(database, "--schema-only"));
    }

    [Fact]
    public async Task Fail_fast_stops_at_the_first_failure_and_leaves_targets_not_started_untouched()
    {
        AddTenantMigrations(3);
        var database = _server.CreateDatabase();
        _server.Execute("CREATE SCHEMA f2; CREATE TABLE f2.items (id int);", database);

        var result = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, Options(database, o =>
        {
            o.Targets = [.. Enumerable.Range(1, 5).Select(i => new MigrationTarget($"f{i}"))];
            o.MaxParallelism = 1;
            o.FailFast = true;
        }));

        Assert.False(result.Succeeded);
        Assert.Equal(["f1"], result.Targets.Where(t => t.Result.Succeeded && !t.Skipped).Select(t => t.Name));
        Assert.Equal(["f3", "f4", "f5"], result.Targets.Where(t => t.Skipped).Select(t => t.Name));
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_namespace WHERE nspname IN ('f3', 'f4', 'f5')", database));
    }

    [Fact]
    public async Task Cancelling_a_fan_out_returns_a_coded_result_and_leaves_targets_not_started_untouched()
    {
        _workspace.Add("001_slow.sql", "CREATE TABLE slow (id int);\nSELECT pg_sleep(0.2);");
        var database = _server.CreateDatabase();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var result = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(database, o =>
        {
            o.Targets = [.. Enumerable.Range(1, 10).Select(i => new MigrationTarget($"c{i:00}"))];
            o.MaxParallelism = 1;
        }), cancel.Token);

        Assert.Contains(result.Errors, e => e.Code == Diagnostics.Errors.Cancelled().Code);
        Assert.Contains(result.Targets, t => t.Skipped);
        var started = result.Targets.Where(t => !t.Skipped).Select(t => t.Name).ToList();
        Assert.Equal(0L, _server.Scalar($"SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'c__' AND nspname NOT IN ({string.Join(", ", started.Select(n => $"'{n}'"))})", database));
    }

    [Fact]
    public async Task Two_shards_run_at_once_cover_every_target_exactly_once()
    {
        AddTenantMigrations(3);
        var database = _server.CreateDatabase();
        var targets = Enumerable.Range(1, 12).Select(i => new MigrationTarget($"s{i:00}")).ToList();

        var shards = await Task.WhenAll(new[] { "0/2", "1/2" }.Select(shard => Task.Run(() =>
            new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(database, o => { o.Targets = targets; o.TargetShard = shard; })))));

        Assert.All(shards, s => Assert.True(s.Succeeded, string.Join('\n', s.Diagnostics)));
        var names = shards.SelectMany(s => s.Targets.Select(t => t.Name)).ToList();
        Assert.Equal(targets.Select(t => t.Name).Order(), names.Order());
        Assert.All(shards, s => Assert.NotEmpty(s.Targets));
        Assert.Equal(12L * 3, Convert.ToInt64(_server.Scalar("SELECT sum(n) FROM (SELECT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.schema_migrations', nspname), false, true, '')))[1]::text::bigint AS n FROM pg_namespace WHERE nspname LIKE 's__') x", database)));
    }

    [Fact]
    public async Task Verify_over_targets_lists_the_ones_behind_and_writes_one_report_entry_each()
    {
        AddTenantMigrations(2);
        var database = _server.CreateDatabase();
        var targets = new[] { new MigrationTarget("v1"), new MigrationTarget("v2") };
        Assert.True((await new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(database, o => o.Targets = targets))).Succeeded);
        _workspace.Add("003_more.sql", "ALTER TABLE items ADD COLUMN more text;");
        Assert.True((await new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(database, o => o.Targets = [targets[0]]))).Succeeded);

        var verify = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, Options(database, o => { o.Targets = targets; o.Mode = MigrationMode.Verify; }));

        Assert.True(verify.Succeeded, string.Join('\n', verify.Diagnostics));
        Assert.Contains(_workspace.Log.Lines, l => l.StartsWith("[MIGRATE] v2  ", StringComparison.Ordinal) && l.EndsWith("behind (1 pending)", StringComparison.Ordinal));
        Assert.Contains(_workspace.Log.Lines, l => l.StartsWith("[MIGRATE] 2 target(s): 1 ok, 1 behind, 0 failed, 0 skipped", StringComparison.Ordinal));
        var report = Path.Combine(_workspace.Root, "report.json");
        Reporting.MigrationReport.Write(verify, report);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal(["ok", "behind"], json.RootElement.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("result").GetString()));

        var preview = Path.Combine(_workspace.Root, "preview.sql");
        var previewed = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(database, o => { o.Targets = targets; o.Mode = MigrationMode.Preview; o.PreviewFile = preview; }));
        Assert.True(previewed.Succeeded, string.Join('\n', previewed.Diagnostics));
        Assert.DoesNotContain("003_more.sql", File.ReadAllText(Path.Combine(_workspace.Root, "preview.v1.sql")));
        Assert.Contains("003_more.sql", File.ReadAllText(Path.Combine(_workspace.Root, "preview.v2.sql")));
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>Options built step by step in a test (MigrationOptions is init-only).</summary>
    private sealed class MigrationOptionsBuilder
    {
        public required string ConnectionString { get; init; }

        public IReadOnlyList<MigrationTarget> Targets { get; set; } = [];

        public string? TargetsQuery { get; set; }

        public int MaxParallelism { get; set; } = 2;

        public bool FailFast { get; set; }

        public string? TargetShard { get; set; }

        public MigrationMode Mode { get; set; } = MigrationMode.Apply;

        public string? PreviewFile { get; set; }

        public MigrationOptions Build() => new()
        {
            Module = "tenant",
            Provider = "postgres",
            ConnectionString = ConnectionString,
            Mode = Mode,
            Targets = Targets,
            TargetsQuery = TargetsQuery,
            MaxParallelism = MaxParallelism,
            FailFast = FailFast,
            TargetShard = TargetShard,
            PreviewFile = PreviewFile,
            LockTimeout = TimeSpan.FromSeconds(60),
        };
    }
}
