using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

/// <summary>
/// README's behavioural claims, one test each, named after the claim: written once and run on every provider
/// (one subclass each). Every database a test uses is a real SQLite file or a real database of the throwaway
/// PostgreSQL cluster.
/// </summary>
public abstract class ReadmeClaims : IDisposable
{
    protected MigrationWorkspace Workspace { get; } = new();

    private readonly TempDirectory _scratch = new("omb-behaviour");

    /// <summary>A new, empty database of the provider under test.</summary>
    protected abstract TestDatabase NewDatabase();

    [Fact]
    public void A_one_byte_edit_to_an_applied_migration_fails_with_OMB3001_and_changes_nothing()
    {
        var database = NewDatabase();
        var file = Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO items VALUES (1, 'a');\n");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        Workspace.Add("002_more.sql", "CREATE TABLE more (id INTEGER);");
        File.WriteAllText(file, File.ReadAllText(file).Replace("'a'", "'b'"));
        var schema = database.Schema();
        var history = database.History();

        var result = Workspace.Run(database.Options());

        Assert.Equal("OMB3001", Assert.Single(result.Errors).Code);
        Assert.Equal(file, result.Errors.Single().File);
        Assert.Equal(schema, database.Schema());
        Assert.Equal(history, database.History());
    }

    [Fact]
    public async Task A_bad_file_is_reported_without_waiting_for_the_lock_another_run_holds_and_changes_nothing()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO items VALUES (1, 'a');\n");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        var empty = Workspace.Add("002_empty.sql", "\n");
        var schema = database.Schema();
        var history = database.History();
        var options = TestDatabase.With(database.Options(), lockTimeout: TimeSpan.FromMinutes(10));

        // The run reads the database while it reads the files; the bad file must stop its wait for the lock.
        using (database.HoldRunLock())
        {
            var run = Task.Run(() => Workspace.Run(options));
            Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1))));
            var result = await run;
            var error = Assert.Single(result.Errors);
            Assert.Equal("OMB1004", error.Code);
            Assert.Equal(empty, error.File);
        }

        Assert.Equal(schema, database.Schema());
        Assert.Equal(history, database.History());
    }

    /// <summary>
    /// A data migration of about 800,000 characters: a table and 8,000 rows, one INSERT each, as a data export
    /// writes them. Three of these are more text than a run keeps in memory.
    /// </summary>
    private static string RowsMigration(int number) =>
        $"CREATE TABLE rows_{number} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount INTEGER NOT NULL);\n"
        + string.Concat(Enumerable.Range(1, 8_000).Select(i => $"INSERT INTO rows_{number} (id, name, amount) VALUES ({i}, 'customer {i} of import batch {number}, first pass', {i * 7 % 1000});\n"));

    [Fact]
    public void A_set_larger_than_a_run_keeps_in_memory_is_applied_whole_from_its_files()
    {
        var database = NewDatabase();
        var files = Enumerable.Range(1, 3).Select(i => Workspace.Add($"00{i}_rows.sql", RowsMigration(i))).ToList();
        var catalog = Discovery.MigrationCatalog.LoadWithNotes(Discovery.FileSystemMigrationSource.FromDirectory(Workspace.MigrationsFolder), database.Provider);
        Assert.True(catalog.TextsLetGo);
        Assert.All(catalog.Scripts, s => Assert.False(s.Body.IsKept));

        var result = Workspace.Run(database.Options());

        Assert.True(result.Succeeded, Workspace.Explain(result));
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(8_000, database.Count($"SELECT count(*) FROM {database.Table($"rows_{i}")} WHERE name LIKE '% of import batch {i}, first pass'")));
        var checksums = files.Select(f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f).AsSpan().TrimEnd((byte)'\n'))));
        Assert.Equal(checksums, database.History().Select(h => h.Split(' ')[3]));
    }

    [Fact]
    public async Task A_file_of_such_a_set_edited_after_the_run_checked_it_is_not_run_OMB1014_and_changes_nothing()
    {
        var database = NewDatabase();
        Workspace.Add("000_start.sql", "CREATE TABLE start (id INTEGER PRIMARY KEY);\n");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        var files = Enumerable.Range(1, 3).Select(i => Workspace.Add($"00{i}_rows.sql", RowsMigration(i))).ToList();
        var schema = database.Schema();
        var history = database.History();
        // One source for the whole build, as MSBuild's tasks share it: ValidateMigrations reads and checks the files,
        // then the second file is edited before MigrateDatabase runs them.
        var source = Discovery.FileSystemMigrationSource.FromDirectory(Workspace.MigrationsFolder);
        Assert.True(Discovery.MigrationCatalog.LoadWithNotes(source, database.Provider).TextsLetGo);
        File.WriteAllText(files[1], File.ReadAllText(files[1]).Replace("first pass", "second pass"));
        // The copy read last is used while something holds it (what runs is then what was checked); not once collected.
        GC.Collect();

        var result = await new Migrator(new ListLogger()).MigrateAsync(source, database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB1014", files[1]), (error.Code, error.File));
        Assert.Equal(schema, database.Schema());
        Assert.Equal(history, database.History());
    }

    [Fact]
    public void At_debug_level_each_statement_is_logged_with_its_line_and_time_and_not_below_it()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);\n\nINSERT INTO items VALUES (1);\n");
        Workspace.Add("002_more.sql", "-- header\nCREATE TABLE more (id INTEGER);");

        var detailed = Workspace.Run(database.Options(), Microsoft.Extensions.Logging.LogLevel.Debug);

        Assert.True(detailed.Succeeded, Workspace.Explain(detailed));
        var statements = Workspace.Log.Lines.Where(l => l.Contains("statement on line", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, statements.Count);
        Assert.Matches(@"^\[MIGRATE\]   001: statement on line 1 of 001_items\.sql took [\d.]+ ms$", statements[0]);
        Assert.Matches(@"^\[MIGRATE\]   001: statement on line 3 of 001_items\.sql took [\d.]+ ms$", statements[1]);
        Assert.Matches(@"^\[MIGRATE\]   002: statement on line 2 of 002_more\.sql took [\d.]+ ms$", statements[2]);

        Workspace.Add("003_last.sql", "CREATE TABLE last (id INTEGER);");
        var normal = Workspace.Run(database.Options());
        Assert.True(normal.Succeeded, Workspace.Explain(normal));
        Assert.DoesNotContain(Workspace.Log.Lines, l => l.Contains("statement on line", StringComparison.Ordinal));
        Assert.Equal(["001", "002", "003"], database.History().Select(h => h.Split(' ')[1]));
    }

    // A view and a function kept as repeatables. SQLite has no functions: its variant keeps a trigger instead.
    private static readonly (string Name, string Sql)[] RepeatableFiles =
    [
        ("001_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL, touched INTEGER NOT NULL DEFAULT 0);\nINSERT INTO items (id, name, price) VALUES (1, 'pen', 3), (2, 'ink', 7);"),
        ("R__item_names.sql", "DROP VIEW IF EXISTS item_names;\nCREATE VIEW item_names AS SELECT name FROM items;"),
        ("R__touch.postgres.sql", "CREATE OR REPLACE FUNCTION price_of(item_id integer) RETURNS integer LANGUAGE sql STABLE AS $$ SELECT price FROM items WHERE id = item_id $$;"),
        ("R__touch.sqlite.sql", "DROP TRIGGER IF EXISTS items_touch;\nCREATE TRIGGER items_touch AFTER UPDATE OF price ON items BEGIN UPDATE items SET touched = 1 WHERE id = NEW.id; END;"),
    ];

    private void AddRepeatableFiles(TestDatabase database)
    {
        foreach (var (name, sql) in ForProvider(RepeatableFiles))
        {
            Workspace.Add(name, sql);
        }
    }

    [Fact]
    public void A_repeatable_view_and_function_are_reapplied_exactly_when_edited_and_unchanged_a_run_is_a_no_op()
    {
        var database = NewDatabase();
        AddRepeatableFiles(database);

        var first = Workspace.Run(database.Options());
        Assert.True(first.Succeeded, Workspace.Explain(first));
        Assert.Equal(3, first.AppliedNowCount);
        Assert.Equal(["R__item_names", "R__touch"], database.History().Where(h => h.EndsWith(" repeatable", StringComparison.Ordinal)).Select(h => h.Split(' ')[1]));

        var unchanged = Workspace.Run(database.Options());
        Assert.True(unchanged.Succeeded, Workspace.Explain(unchanged));
        Assert.Equal(0, unchanged.AppliedNowCount);

        // An edit to the view, and a new versioned migration: the migration runs first, then the changed view only.
        Workspace.Add("R__item_names.sql", "DROP VIEW IF EXISTS item_names;\nCREATE VIEW item_names AS SELECT name, price * 2 AS doubled, stock FROM items;");
        Workspace.Add("002_stock.sql", "ALTER TABLE items ADD COLUMN stock INTEGER NOT NULL DEFAULT 5;");
        var history = database.History();
        var edited = Workspace.Run(database.Options());

        Assert.True(edited.Succeeded, Workspace.Explain(edited));
        Assert.Equal(["002", "R__item_names"], edited.Migrations.Where(m => m.State == MigrationState.AppliedNow).Select(m => m.Version));
        var runOrder = Workspace.Log.Lines.Where(l => l.Contains("completed successfully", StringComparison.Ordinal)).ToList();
        Assert.Equal(["[MIGRATE] Migration 002", "[MIGRATE] Migration R__item_names"], runOrder.Select(l => l[..l.IndexOf(" completed", StringComparison.Ordinal)]));
        Assert.Equal(14, database.Count($"SELECT doubled FROM {database.Table("item_names")} WHERE name = 'ink'"));
        Assert.Single(database.History(), h => h.Contains(" R__item_names ", StringComparison.Ordinal));
        Assert.DoesNotContain(history.Single(h => h.Contains(" R__item_names ", StringComparison.Ordinal)), database.History());
        Assert.Contains(history.Single(h => h.Contains(" R__touch ", StringComparison.Ordinal)), database.History());

        var again = Workspace.Run(database.Options());
        Assert.Equal(0, again.AppliedNowCount);
    }

    [Fact]
    public void A_file_in_a_repeatables_folder_is_repeatable_without_the_prefix()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);");
        Workspace.Add(Path.Combine("Repeatables", "item_names.sql"), "DROP VIEW IF EXISTS item_names;\nCREATE VIEW item_names AS SELECT name FROM items;");

        var first = Workspace.Run(database.Options());
        Workspace.Add(Path.Combine("Repeatables", "item_names.sql"), "DROP VIEW IF EXISTS item_names;\nCREATE VIEW item_names AS SELECT id, name FROM items;");
        var second = Workspace.Run(database.Options());

        Assert.True(first.Succeeded && second.Succeeded, Workspace.Explain(second));
        Assert.Equal((2, 1), (first.AppliedNowCount, second.AppliedNowCount));
        Assert.Single(database.History(), h => h.Contains(" R__item_names item_names.sql ", StringComparison.Ordinal) && h.EndsWith(" repeatable", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_reports_a_changed_repeatable_as_pending_and_never_as_modified()
    {
        var database = NewDatabase();
        AddRepeatableFiles(database);
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        Workspace.Add("R__item_names.sql", "DROP VIEW IF EXISTS item_names;\nCREATE VIEW item_names AS SELECT id, name FROM items;");

        var verify = Workspace.Run(database.Options(MigrationMode.Verify));

        Assert.True(verify.Succeeded, Workspace.Explain(verify));
        Assert.Contains("[MIGRATE] Verified: 2 applied, 1 pending; checksums match", Workspace.Log.Lines);
        Assert.Equal(MigrationState.RepeatableChanged, verify.Migrations.Single(m => m.Version == "R__item_names").State);
        var report = Path.Combine(Workspace.Root, "report.json");
        Reporting.MigrationReport.Write(verify, report);
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report)))
        {
            Assert.Equal("repeatable changed", json.RootElement.GetProperty("migrations").EnumerateArray()
                .Single(m => m.GetProperty("version").GetString() == "R__item_names").GetProperty("state").GetString());
        }

        var info = Workspace.Run(database.Options(MigrationMode.Info));
        Assert.Contains(Workspace.Log.Lines, l => l.StartsWith("[MIGRATE] R__item_names", StringComparison.Ordinal) && l.Contains("repeatable changed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_repeatable_is_located_at_its_line_and_its_earlier_version_stays_in_place()
    {
        var database = NewDatabase();
        AddRepeatableFiles(database);
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        var history = database.History();
        var view = Workspace.Add("R__item_names.sql", "DROP VIEW IF EXISTS item_names;\n-- now with the colour\nCREATE VIEW item_names AS SELECT name, price + FROM items;");

        var result = Workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4001", error.Code);
        Assert.Equal((view, 3), (error.File, error.Line));
        Assert.Equal(2, database.Count($"SELECT count(*) FROM {database.Table("item_names")}"));
        Assert.Equal(history, database.History());
    }

    [Fact]
    public async Task Eight_runs_at_once_apply_each_changed_repeatable_exactly_once()
    {
        var database = NewDatabase();
        Workspace.Add("001_runs.sql", "CREATE TABLE runs (what TEXT);");
        Workspace.Add("R__count.sql", "INSERT INTO runs VALUES ('v1');");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        Workspace.Add("R__count.sql", "INSERT INTO runs VALUES ('v2');");
        Workspace.Add("R__other.sql", "INSERT INTO runs VALUES ('other');");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            new Migrator().MigrateAsync(Workspace.MigrationsFolder, database.Options()))));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join('\n', r.Diagnostics)));
        Assert.Equal(2, results.Sum(r => r.AppliedNowCount));
        foreach (var what in new[] { "v1", "v2", "other" })
        {
            Assert.Equal(1, database.Count($"SELECT count(*) FROM {database.Table("runs")} WHERE what = '{what}'"));
        }
    }

    [Fact]
    public void Preview_and_deploy_scripts_reapply_a_changed_repeatable_as_apply_does()
    {
        var earlier = ForProvider(RepeatableFiles);
        var later = earlier.Select(f => f.Name == "R__item_names.sql" ? (f.Name, "DROP VIEW IF EXISTS item_names;\nCREATE VIEW item_names AS SELECT upper(name) AS name FROM items;") : f).ToList();
        AssertScriptsMatchApply(later, appliedBefore: 0, setup: database =>
        {
            using var before = new MigrationWorkspace();
            foreach (var (name, sql) in earlier)
            {
                before.Add(name, sql);
            }

            Assert.True(before.Run(database.Options()).Succeeded, before.Log.Text);
        }, check: database => Assert.Equal(1, database.Count($"SELECT count(*) FROM {database.Table("item_names")} WHERE name = 'PEN'")));
    }

    /// <summary>
    /// Ten migrations as teams write them, each with its down script in one of the accepted forms: a .down.sql next
    /// to a plain file, an up/down pair, a dbmate file, and one that runs outside a transaction. Data in the tables.
    /// </summary>
    private List<(string Name, string Sql)> TenWithDowns(TestDatabase database)
    {
        var postgres = database.Provider == "postgres";
        return
        [
            ("001_customers.sql", "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO customers VALUES (1, 'ada'), (2, 'grace');"),
            ("001_customers.down.sql", "DROP TABLE customers;"),
            ("002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), total INTEGER NOT NULL);\nINSERT INTO orders VALUES (1, 1, 10), (2, 2, 20);"),
            ("002_orders.down.sql", "DROP TABLE orders;"),
            ("003_customer_email.sql", "ALTER TABLE customers ADD COLUMN email TEXT;\nUPDATE customers SET email = name || '@example.org';"),
            ("003_customer_email.down.sql", "ALTER TABLE customers DROP COLUMN email;"),
            ("004_orders_total_index.sql", "CREATE INDEX orders_total ON orders (total);"),
            ("004_orders_total_index.down.sql", "DROP INDEX orders_total;"),
            ("005_order_notes.sql", "-- migrate:up\nCREATE TABLE order_notes (order_id INTEGER NOT NULL REFERENCES orders (id), note TEXT);\nINSERT INTO order_notes VALUES (1, 'gift');\n\n-- migrate:down\nDROP TABLE order_notes;\n"),
            ("006_big_orders.sql", "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 15;"),
            ("006_big_orders.down.sql", "DROP VIEW big_orders;"),
            ("007_orders_customer_index.sql", postgres ? "-- omb:no-transaction\nCREATE INDEX CONCURRENTLY orders_customer ON orders (customer_id);" : "-- omb:no-transaction\nCREATE INDEX orders_customer ON orders (customer_id);"),
            ("007_orders_customer_index.down.sql", postgres ? "-- omb:no-transaction\nDROP INDEX CONCURRENTLY orders_customer;" : "-- omb:no-transaction\nDROP INDEX orders_customer;"),
            ("008_double_totals.sql", "UPDATE orders SET total = total * 2;"),
            ("008_double_totals.down.sql", "UPDATE orders SET total = total / 2;"),
            ("009_audit.up.sql", "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);\nINSERT INTO audit VALUES (1, 'created');"),
            ("009_audit.down.sql", "DROP TABLE audit;"),
            ("010_customer_tier.sql", "ALTER TABLE customers ADD COLUMN tier TEXT NOT NULL DEFAULT 'basic';"),
            ("010_customer_tier.down.sql", "ALTER TABLE customers DROP COLUMN tier;"),
        ];
    }

    private static string Snapshot(TestDatabase database) => database.Schema() + "\n-- history --\n" + string.Join('\n', database.History());

    private static bool IsUpTo(string name, int version) => int.Parse(name[..3], System.Globalization.CultureInfo.InvariantCulture) <= version;

    [Fact]
    public void A_rollback_to_version_4_leaves_what_migrating_to_4_gives_and_applying_again_restores_the_rest()
    {
        var database = NewDatabase();
        var files = TenWithDowns(database);
        foreach (var (name, sql) in files)
        {
            Workspace.Add(name, sql);
        }

        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        var full = Snapshot(database);

        var rollback = Workspace.Run(Rollback(database.Options(MigrationMode.Apply), "004"));

        Assert.True(rollback.Succeeded, Workspace.Explain(rollback));
        Assert.Equal(["010", "009", "008", "007", "006", "005"], Workspace.Log.Lines.Where(l => l.EndsWith("ms)", StringComparison.Ordinal) && l.Contains("rolled back", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2]));
        Assert.Equal(6, rollback.Migrations.Count(m => m.State == MigrationState.RolledBack));
        var onlyFour = NewDatabase();
        using (var upToFour = new MigrationWorkspace())
        {
            foreach (var (name, sql) in files.Where(f => IsUpTo(f.Name, 4)))
            {
                upToFour.Add(name, sql);
            }

            Assert.True(upToFour.Run(onlyFour.Options()).Succeeded, upToFour.Log.Text);
        }

        Assert.Equal(onlyFour.Schema(), database.Schema());
        Assert.Equal(onlyFour.History(), database.History());
        Assert.Equal(30, database.Count($"SELECT sum(total) FROM {database.Table("orders")}"));

        var again = Workspace.Run(database.Options());
        Assert.True(again.Succeeded, Workspace.Explain(again));
        Assert.Equal(6, again.AppliedNowCount);
        Assert.Equal(full, Snapshot(database));
    }

    [Fact]
    public void A_rollback_with_missing_down_scripts_names_every_missing_file_and_changes_nothing()
    {
        var database = NewDatabase();
        foreach (var (name, sql) in TenWithDowns(database).Where(f => f.Name is not "008_double_totals.down.sql" and not "009_audit.down.sql"))
        {
            Workspace.Add(name, sql);
        }

        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        var before = Snapshot(database);

        var result = Workspace.Run(Rollback(database.Options(), "004"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB3010", error.Code);
        Assert.Contains("2 migration(s) have no down script: 009_audit.down.sql, 008_double_totals.down.sql", error.Message);
        Assert.Equal(before, Snapshot(database));

        var verify = Workspace.Run(Rollback(database.Options(MigrationMode.Verify), "004"));
        Assert.Equal("OMB3010", Assert.Single(verify.Errors).Code);
        Assert.True(Workspace.Run(Rollback(database.Options(MigrationMode.Verify), "009")).Succeeded, Workspace.Log.Text);
        Assert.Contains("[MIGRATE] Verified rollback to 009: 1 migration(s) would be rolled back; every down script is there", Workspace.Log.Lines);
    }

    [Fact]
    public void A_rollback_is_refused_for_a_target_not_applied_past_a_baseline_and_for_a_no_transaction_migration_whose_down_is_not()
    {
        var database = NewDatabase();
        Workspace.Add("001_a.sql", "CREATE TABLE a (id INTEGER);");
        Workspace.Add("001_a.down.sql", "DROP TABLE a;");
        Workspace.Add("002_b.sql", "-- omb:no-transaction\nCREATE TABLE b (id INTEGER);");
        Workspace.Add("002_b.down.sql", "DROP TABLE b;");
        Assert.True(Workspace.Run(TestDatabase.WithBaseline(database.Options(), "001")).Succeeded, Workspace.Log.Text);
        var before = Snapshot(database);

        Assert.Equal("OMB3008", Assert.Single(Workspace.Run(Rollback(database.Options(), "1.5")).Errors).Code);
        Assert.Equal("OMB3011", Assert.Single(Workspace.Run(Rollback(database.Options(), "001")).Errors).Code);
        var baselined = Assert.Single(Workspace.Run(Rollback(database.Options(), "0")).Errors, e => e.Code == "OMB3009");
        Assert.Contains("001 is recorded as baselined", baselined.Message);
        Assert.Equal("OMB2012", Assert.Single(Workspace.Run(Rollback(database.Options(), null)).Errors).Code);
        Assert.Equal("OMB2013", Assert.Single(Workspace.Run(Rollback(database.Options(), "1.x")).Errors).Code);
        Assert.Equal("OMB2014", Assert.Single(Workspace.Run(Rollback(database.Options(), "001", MigrationMode.Apply)).Errors).Code);
        Assert.Equal(before, Snapshot(database));
    }

    [Fact]
    public void A_failing_down_script_is_OMB4017_at_its_line_its_step_is_undone_and_the_steps_before_it_stay_done()
    {
        var database = NewDatabase();
        foreach (var (name, sql) in TenWithDowns(database))
        {
            Workspace.Add(name, name == "008_double_totals.down.sql" ? "UPDATE orders SET total = total / 2;\nDROP TABLEX nothing;" : sql);
        }

        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);

        var result = Workspace.Run(Rollback(database.Options(), "004"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4017", error.Code);
        Assert.Equal((Path.Combine(Workspace.MigrationsFolder, "008_double_totals.down.sql"), 2), (error.File, error.Line));
        Assert.Equal(["001", "002", "003", "004", "005", "006", "007", "008"], database.History().Select(h => h.Split(' ')[1]));
        Assert.Equal(60, database.Count($"SELECT sum(total) FROM {database.Table("orders")}"));
        Assert.DoesNotContain("audit", database.Schema()); // 009, rolled back before 008 failed
    }

    [Fact]
    public void The_preview_of_a_rollback_is_the_exact_sql_and_running_it_gives_what_the_rollback_gives()
    {
        var files = TenWithDowns(NewDatabase());
        var (rolledBack, previewed) = (NewDatabase(), NewDatabase());
        foreach (var (name, sql) in files)
        {
            Workspace.Add(name, sql);
        }

        foreach (var database in new[] { rolledBack, previewed })
        {
            Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        }

        var previewOptions = Rollback(previewed.Options(MigrationMode.Preview), "006");
        var preview = Workspace.Run(previewOptions);
        Assert.True(preview.Succeeded, Workspace.Explain(preview));
        Assert.Equal(4, previewed.History().Count(h => string.CompareOrdinal(h.Split(' ')[1], "006") > 0));
        var ran = previewed.RunScript(previewOptions.PreviewFile!);
        Assert.True(ran.Succeeded, ran.Output + "\n" + File.ReadAllText(previewOptions.PreviewFile!));

        Assert.True(Workspace.Run(Rollback(rolledBack.Options(), "006")).Succeeded, Workspace.Log.Text);
        Assert.Equal(rolledBack.Schema(), previewed.Schema());
        Assert.Equal(rolledBack.History(), previewed.History());
    }

    private static MigrationOptions Rollback(MigrationOptions options, string? target, MigrationMode mode = MigrationMode.Rollback) =>
        TestDatabase.With(options, target: target, mode: options.Mode == MigrationMode.Apply ? mode : options.Mode);

    [Fact]
    public void Running_it_again_finds_nothing_pending()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);

        var again = Workspace.Run(database.Options());

        Assert.True(again.Succeeded, Workspace.Explain(again));
        Assert.Equal(0, again.AppliedNowCount);
        Assert.Contains("[MIGRATE] No pending migrations: the database is up to date (version 001)", Workspace.Log.Lines);
    }

    [Fact]
    public void The_first_failure_rolls_its_migration_back_stops_the_run_and_names_file_line_and_column()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);");
        var broken = Workspace.Add("002_broken.sql", "INSERT INTO items VALUES (1);\n-- a comment\nINSERT INTO missing_table VALUES (2);\n");
        Workspace.Add("003_later.sql", "CREATE TABLE later (id INTEGER);");

        var result = Workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", broken, 3), (error.Code, error.File, error.Line));
        Assert.True(error.Column >= 1);
        Assert.Equal(0, database.Count($"SELECT count(*) FROM {database.Table("items")}"));
        Assert.Single(database.History());
    }

    [Fact]
    public void A_first_run_whose_first_migration_fails_leaves_the_database_as_it_was_without_a_history_table()
    {
        var database = NewDatabase();
        var before = database.Schema();
        var broken = Workspace.Add("001_broken.sql", "CREATE TABLE items (id INTEGER);\nINSERT INTO missing_table VALUES (1);\n");

        var result = Workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", broken, 2), (error.Code, error.File, error.Line));
        Assert.Equal(before, database.Schema());
    }

    [Fact]
    public void A_data_migration_of_several_megabytes_that_fails_near_its_end_is_located_there_and_undone_whole()
    {
        // Over 2 MB of statements, as a data load is: more than one batch's worth on PostgreSQL.
        var database = NewDatabase();
        var sql = new System.Text.StringBuilder("CREATE TABLE rows_loaded (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);\n");
        for (var i = 1; i <= 20_000; i++)
        {
            sql.Append("INSERT INTO rows_loaded (id, payload) VALUES (").Append(i).Append(", 'row ").Append(i).Append(" with a payload of some length to be realistic');\n");
        }

        sql.Append("INSERT INTO rows_loaded (id, payload) VALUES (20000, 'the same key again');\n");
        var file = Workspace.Add("001_load.sql", sql.ToString());

        var result = Workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", file, 20_002), (error.Code, error.File, error.Line));
        Assert.Equal(1, error.Column);
        Assert.DoesNotContain("rows_loaded", database.Schema(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(database.History());

        File.WriteAllText(file, sql.ToString().Replace("(20000, 'the same key again')", "(20001, 'a new key')", StringComparison.Ordinal));
        var fixedRun = Workspace.Run(database.Options());
        Assert.True(fixedRun.Succeeded, Workspace.Explain(fixedRun));
        Assert.Equal(20_001, database.Count($"SELECT count(*) FROM {database.Table("rows_loaded")}"));
    }

    [Fact]
    public void Verify_and_preview_only_read()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        Workspace.Add("002_more.sql", "CREATE TABLE more (id INTEGER);");
        var schema = database.Schema();

        var verify = Workspace.Run(database.Options(MigrationMode.Verify));
        var preview = Workspace.Run(database.Options(MigrationMode.Preview));

        Assert.True(verify.Succeeded && preview.Succeeded, Workspace.Explain(preview));
        Assert.Equal((1, 1), (verify.PendingCount, preview.PendingCount));
        Assert.Contains("CREATE TABLE more (id INTEGER);", preview.PreviewSql);
        Assert.Equal(schema, database.Schema());
        Assert.Single(database.History());
    }

    [Fact]
    public void Info_shows_every_migration_with_its_state_in_run_order_and_writes_nothing()
    {
        var database = NewDatabase();
        for (var i = 1; i <= 14; i++)
        {
            Workspace.Add($"{i:000}_step_{i}.sql", $"CREATE TABLE t{i} (id INTEGER);");
        }

        var edited = Workspace.Add("015_edited.sql", "CREATE TABLE t15 (id INTEGER);");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        File.WriteAllText(edited, "CREATE TABLE t15 (id BIGINT);");
        Workspace.Add("016_pending.sql", "CREATE TABLE t16 (id INTEGER);");
        var schema = database.Schema();

        var info = Workspace.Run(database.Options(MigrationMode.Info));

        Assert.True(info.Succeeded, Workspace.Explain(info));
        Assert.Equal(schema, database.Schema());
        Assert.Equal(16, info.Migrations.Count);
        Assert.Equal((MigrationState.Modified, MigrationState.Pending), (info.Migrations[14].State, info.Migrations[15].State));
        var lines = Workspace.Log.Lines;
        Assert.Contains(lines, l => l.StartsWith("[MIGRATE] Version  Description", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[MIGRATE] 001      Step 1", StringComparison.Ordinal) && l.Contains(" applied ", StringComparison.Ordinal));
        Assert.Contains("[MIGRATE] ... 12 more applied migration(s), 002 to 013 (all rows with -v:d)", lines);
        Assert.Contains(lines, l => l.StartsWith("[MIGRATE] 015", StringComparison.Ordinal) && l.Contains(" modified ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[MIGRATE] 016", StringComparison.Ordinal) && l.TrimEnd().EndsWith("pending", StringComparison.Ordinal));
        Assert.Contains("[MIGRATE] 16 migration(s): 14 applied, 1 modified, 1 pending", lines);
    }

    [Fact]
    public void A_flyway_history_is_continued_its_versions_recorded_as_baselined_and_said_once_that_CRC32_is_not_compared()
    {
        var database = FlywayDatabase(failedVersion3: false);
        Workspace.Add("V3__audit.sql", "CREATE TABLE audit (account_id INTEGER REFERENCES accounts (id), note TEXT);");

        var first = Workspace.Run(database.Options());

        Assert.True(first.Succeeded, Workspace.Explain(first));
        Assert.Equal(1, first.AppliedNowCount);
        Assert.Single(Workspace.Log.Lines, l => l.StartsWith("[MIGRATE] Found flyway_schema_history (Flyway): 3 applied version(s), so migrations up to 2.1", StringComparison.Ordinal)
            && l.Contains("CRC32", StringComparison.Ordinal));
        Assert.Equal(["1 baselined", "2 baselined", "2.1 baselined", "3 applied"],
            database.History().Select(h => h.Split(' ') is var f ? $"{f[1]} {f[4]}" : ""));
        Assert.Equal(2, database.Count($"SELECT count(*) FROM {database.Table("accounts")}"));

        var again = Workspace.Run(database.Options());
        Assert.True(again.Succeeded, Workspace.Explain(again));
        Assert.Equal(0, again.AppliedNowCount);
    }

    [Fact]
    public void A_failed_row_in_a_flyway_history_is_OMB3007_and_nothing_runs()
    {
        var database = FlywayDatabase(failedVersion3: true);
        Workspace.Add("V3__audit.sql", "CREATE TABLE audit (note TEXT);");
        var schema = database.Schema();

        var result = Workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB3007", error.Code);
        Assert.Contains("version 3 (V3__audit.sql)", error.Message);
        Assert.Contains("flyway repair", error.Message);
        Assert.Equal(schema, database.Schema());
    }

    /// <summary>A database Flyway migrated: its history table as Flyway creates it, V1 to V2.1 applied, rows in the tables.</summary>
    private TestDatabase FlywayDatabase(bool failedVersion3)
    {
        var database = NewDatabase();
        Workspace.Add("V1__init.sql", "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);");
        Workspace.Add("V2__seed.sql", "INSERT INTO accounts VALUES (1, 'ada'), (2, 'grace');");
        Workspace.Add("V2_1__index.sql", "CREATE INDEX accounts_name ON accounts (name);");
        var history = database.Table("flyway_schema_history");
        database.Execute($"""
            {(database.Provider == "postgres" ? "CREATE SCHEMA IF NOT EXISTS app;" : "")}
            CREATE TABLE {database.Table("accounts")} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            INSERT INTO {database.Table("accounts")} VALUES (1, 'ada'), (2, 'grace');
            CREATE INDEX accounts_name ON {database.Table("accounts")} (name);
            CREATE TABLE {history} (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL,
                type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INTEGER, installed_by VARCHAR(100) NOT NULL,
                installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL);
            INSERT INTO {history} (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES
                (1, '1', 'init', 'SQL', 'V1__init.sql', -1093862329, 'deploy', 14, TRUE),
                (2, '2', 'seed', 'SQL', 'V2__seed.sql', 588342034, 'deploy', 3, TRUE),
                (3, '2.1', 'index', 'SQL', 'V2_1__index.sql', 1725341183, 'deploy', 5, TRUE)
                {(failedVersion3 ? ", (4, '3', 'audit', 'SQL', 'V3__audit.sql', 77, 'deploy', 2, FALSE)" : "")};
            """);
        return database;
    }

    [Fact]
    public void A_baseline_version_records_earlier_migrations_without_running_them()
    {
        var database = NewDatabase();
        Workspace.Add("001_exists_already.sql", "CREATE TABLE legacy (id INTEGER);");
        Workspace.Add("002_new.sql", "CREATE TABLE fresh (id INTEGER);");

        var result = Workspace.Run(TestDatabase.WithBaseline(database.Options(), "001"));

        Assert.True(result.Succeeded, Workspace.Explain(result));
        Assert.Equal(1, result.AppliedNowCount);
        Assert.Contains(database.History(), row => row.StartsWith("test 001 ", StringComparison.Ordinal) && row.EndsWith(" baselined", StringComparison.Ordinal));
        Assert.DoesNotContain("legacy", database.Schema());
    }

    [Fact]
    public void A_utf16_file_without_a_byte_order_mark_is_refused_before_anything_runs()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);");
        var utf16 = Path.Combine(Workspace.MigrationsFolder, "002_utf16.sql");
        File.WriteAllBytes(utf16, System.Text.Encoding.Unicode.GetBytes("CREATE TABLE other (id INTEGER);\nINSERT INTO other VALUES (1);\n"));

        var result = Workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB1005", utf16, 1), (error.Code, error.File, error.Line));
        Assert.Contains("looks like UTF-16", error.Message);
        Assert.Empty(database.History());
    }

    [Fact]
    public void A_file_of_comments_only_is_applied_as_a_no_op_and_recorded()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);");
        Workspace.Add($"002_nothing.{database.Provider}.sql", "-- Nothing to do here for this provider: the neutral file's change does not apply.\n/* kept on purpose */\n");
        Workspace.Add("002_nothing.sql", "CREATE TABLE other_provider_only (id INTEGER);");
        Workspace.Add("003_after.sql", "CREATE TABLE after (id INTEGER);");

        var result = Workspace.Run(database.Options());

        Assert.True(result.Succeeded, Workspace.Explain(result));
        Assert.Equal(3, result.AppliedNowCount);
        Assert.Contains(Workspace.Log.Lines, l => l.StartsWith("[MIGRATE] Migration 002 (002_nothing.", StringComparison.Ordinal) && l.EndsWith("holds only comments: nothing to run; it is recorded as applied", StringComparison.Ordinal));
        Assert.DoesNotContain("other_provider_only", database.Schema());
        Assert.Equal(3, database.History().Count);
    }

    [Fact]
    public void Every_spelling_of_the_provider_name_works_the_same()
    {
        var database = NewDatabase();
        Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);");
        Workspace.Add($"002_more.{database.Provider}.sql", "CREATE TABLE more (id INTEGER);");
        var spellings = database.Provider == "sqlite" ? new[] { "SQLite", "sqlite3" } : ["PostgreSQL", "pg", "Postgres"];

        foreach (var spelling in spellings)
        {
            var options = database.Options(MigrationMode.Verify);
            var result = Workspace.Run(new MigrationOptions
            {
                Module = options.Module, Provider = spelling, ConnectionString = options.ConnectionString, Schema = options.Schema, Mode = MigrationMode.Verify,
            });
            Assert.True(result.Succeeded, Workspace.Explain(result));
            Assert.Equal((database.Provider, 2), (result.Provider, result.PendingCount));
        }
    }

    [Fact]
    public void Line_endings_and_a_byte_order_mark_are_not_changes()
    {
        var database = NewDatabase();
        var file = Workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER);\nINSERT INTO items VALUES (1);\n");
        Assert.True(Workspace.Run(database.Options()).Succeeded, Workspace.Log.Text);
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("CREATE TABLE items (id INTEGER);\r\nINSERT INTO items VALUES (1);\r\n")]);

        var again = Workspace.Run(database.Options(MigrationMode.Verify));

        Assert.True(again.Succeeded, Workspace.Explain(again));
        Assert.Equal(0, again.PendingCount);
    }

    [Fact]
    public void Modules_sharing_a_database_keep_separate_histories()
    {
        var database = NewDatabase();
        Workspace.Add("001_notes.sql", "CREATE TABLE notes (id INTEGER);");
        Assert.True(Workspace.Run(database.Options(module: "notes")).Succeeded, Workspace.Log.Text);
        Workspace.Remove("001_notes.sql");
        Workspace.Add("001_tags.sql", "CREATE TABLE tags (id INTEGER);");
        Workspace.Add("002_tag_names.sql", "ALTER TABLE tags ADD COLUMN name TEXT;");

        var tags = Workspace.Run(database.Options(module: "tags"));

        Assert.True(tags.Succeeded, Workspace.Explain(tags));
        Assert.Equal(2, tags.AppliedNowCount);
        Assert.Equal(3, database.History().Count);
        Assert.Single(database.History(), row => row.StartsWith("notes 001 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Eight_runs_at_once_apply_every_migration_exactly_once_with_or_without_a_transaction()
    {
        var database = NewDatabase();
        Workspace.Add("001_runs.sql", "CREATE TABLE runs (migration TEXT);");
        Workspace.Add("002_outside.sql", "-- omb:no-transaction\nINSERT INTO runs VALUES ('002');\nCREATE TABLE slow_a (id INTEGER);\n");
        Workspace.Add("003_inside.sql", "INSERT INTO runs VALUES ('003');");
        Workspace.Add("004_outside_again.sql", "-- omb:no-transaction\nINSERT INTO runs VALUES ('004');\n");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            new Migrator().MigrateAsync(Workspace.MigrationsFolder, database.Options()))));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join('\n', r.Diagnostics)));
        Assert.Equal(4, results.Sum(r => r.AppliedNowCount));
        foreach (var version in new[] { "002", "003", "004" })
        {
            Assert.Equal(1, database.Count($"SELECT count(*) FROM {database.Table("runs")} WHERE migration = '{version}'"));
        }

        Assert.Equal(4, database.History().Count);
    }

    [Fact]
    public void A_failing_migration_without_a_transaction_says_which_statements_completed()
    {
        var database = NewDatabase();
        Workspace.Add("001_a.sql", "CREATE TABLE a (id INTEGER);");
        var file = Workspace.Add("002_outside.sql", "-- omb:no-transaction\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\nINSERT INTO missing_table VALUES (3);\n");

        var result = Workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4016", file, 4), (error.Code, error.File, error.Line));
        Assert.Contains("statements 1 to 2 completed and stay in place", error.Message);
        Assert.DoesNotContain("rolled back:", error.Message.Replace("nothing was rolled back:", ""));
        Assert.Equal(2, database.Count($"SELECT count(*) FROM {database.Table("a")}"));
        Assert.Single(database.History());
    }

    public static TheoryData<string, int> Fixtures => new()
    {
        { "sample", 0 },
        { "sample", 1 },
        { "guarded columns", 0 },
        { "guarded columns", 2 },
        { "no transaction", 0 },
        { "repeatables", 0 },
        { "repeatables", 2 },
        { "data and indexes", 1 },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Preview_and_deploy_scripts_give_the_same_schema_and_history_as_apply(string fixture, int appliedBefore)
    {
        AssertScriptsMatchApply(ForProvider(Fixture(fixture)), appliedBefore);
    }

    [Theory]
    [InlineData("baseline version", "1.1.0")]
    [InlineData("schema_version", "1.1.0")]
    [InlineData("schema_version", "1.2.0")]
    public void Deploy_scripts_honour_baselines_as_apply_does(string how, string version)
    {
        // A populated OpenMemory database that no migration tool of ours has seen: everything up to the version is in
        // place, with rows; OpenMemory's own upgrader may have recorded it in schema_version.
        var files = ForProvider(SampleFiles());
        AssertScriptsMatchApply(files, appliedBefore: 0, baseline: how == "baseline version" ? version : null, setup: database =>
        {
            if (database is PostgresTestDatabase postgres)
            {
                database.Execute($"CREATE SCHEMA \"{postgres.SchemaName}\"");
            }

            foreach (var (_, sql) in files.Where(f => string.CompareOrdinal(f.Name[..5], version) <= 0))
            {
                // As OpenMemory's own upgrader ran it: the sqlite3 shell has no ADD COLUMN IF NOT EXISTS.
                var expanded = Expand(database, sql);
                database.Execute(database.Provider == "sqlite" ? expanded.Replace("ADD COLUMN IF NOT EXISTS", "ADD COLUMN", StringComparison.OrdinalIgnoreCase) : expanded);
            }

            database.Execute($"INSERT INTO {database.Table(MemoriesTable(database))} (id, content, primary_sector, created_at, updated_at) VALUES ('m1', 'kept', 'semantic', 1, 1)");
            if (how == "schema_version")
            {
                database.Execute($"CREATE TABLE {database.Table("schema_version")} (version TEXT PRIMARY KEY, applied_at BIGINT); INSERT INTO {database.Table("schema_version")} VALUES ('{version}', 1)");
            }
        }, check: database => Assert.Equal(1, database.Count($"SELECT count(*) FROM {database.Table(MemoriesTable(database))} WHERE content = 'kept'")));
    }

    /// <summary>
    /// Three databases in the same state: one migrated by Apply, one by running the preview script with the
    /// database's own client, one by the deploy script. All three must end with the same schema and history,
    /// and a second deploy must change nothing.
    /// </summary>
    protected void AssertScriptsMatchApply(IReadOnlyList<(string Name, string Sql)> files, int appliedBefore, string? baseline = null,
        Action<TestDatabase>? setup = null, Action<TestDatabase>? check = null)
    {
        var databases = Enumerable.Range(0, 3).Select(_ => NewDatabase()).ToList();
        foreach (var database in databases)
        {
            setup?.Invoke(database);
            if (appliedBefore > 0)
            {
                using var earlier = new MigrationWorkspace();
                foreach (var (name, sql) in files.Take(appliedBefore))
                {
                    earlier.Add(name, sql);
                }

                var result = earlier.Run(database.Options());
                Assert.True(result.Succeeded, earlier.Explain(result));
            }
        }

        foreach (var (name, sql) in files)
        {
            Workspace.Add(name, sql);
        }

        var (applied, previewed, deployed) = (databases[0], databases[1], databases[2]);
        var apply = Workspace.Run(TestDatabase.WithBaseline(applied.Options(), baseline));
        Assert.True(apply.Succeeded, Workspace.Explain(apply));

        var previewOptions = TestDatabase.WithBaseline(previewed.Options(MigrationMode.Preview), baseline);
        var preview = Workspace.Run(previewOptions);
        Assert.True(preview.Succeeded, Workspace.Explain(preview));
        var ran = previewed.RunScript(previewOptions.PreviewFile!);
        Assert.True(ran.Succeeded, ran.Output + "\n" + File.ReadAllText(previewOptions.PreviewFile!));

        var folder = _scratch.Combine($"deploy-{Guid.NewGuid():N}");
        var written = deployed.WriteDeployScript(Workspace, folder, baseline: baseline);
        Assert.True(written.Succeeded, string.Join('\n', written.Diagnostics));
        var deploy = deployed.RunDeployScript(folder);
        Assert.True(deploy.Succeeded, deploy.Output + "\n" + File.ReadAllText(written.Path));

        var schema = applied.Schema();
        var history = applied.History();
        Assert.NotEmpty(history);
        Assert.Equal(schema, previewed.Schema());
        Assert.Equal(history, previewed.History());
        Assert.Equal(schema, deployed.Schema());
        Assert.Equal(history, deployed.History());
        foreach (var database in databases)
        {
            check?.Invoke(database);
        }

        var again = deployed.RunDeployScript(folder);
        Assert.True(again.Succeeded, again.Output);
        Assert.Equal(schema, deployed.Schema());
        Assert.Equal(history, deployed.History());
    }

    /// <summary>The neutral files and this provider's variants, as the engine picks them.</summary>
    protected List<(string Name, string Sql)> ForProvider(IEnumerable<(string Name, string Sql)> files)
    {
        var provider = NewDatabase().Provider;
        var others = new[] { ".sqlite.sql", ".postgres.sql" }.Where(tag => tag != $".{provider}.sql");
        return [.. files.Where(f => !others.Any(tag => f.Name.EndsWith(tag, StringComparison.Ordinal)))];
    }

    private static List<(string Name, string Sql)> SampleFiles() =>
        [.. Directory.GetFiles(RepositoryPaths.SampleMigrations, "*.sql").Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllText(f)))];

    private static string MemoriesTable(TestDatabase database) => "memories";

    private static string Expand(TestDatabase database, string sql) =>
        Templating.TemplateExpander.Expand(sql, database.Provider == "sqlite"
            ? new Templating.TemplateScope(name => name, "main")
            : new Templating.TemplateScope(name => $"\"{((PostgresTestDatabase)database).SchemaName}\".\"{name}\"", $"\"{((PostgresTestDatabase)database).SchemaName}\""), "setup").Text;

    private static List<(string Name, string Sql)> Fixture(string name) => name switch
    {
        "sample" => SampleFiles(),
        "guarded columns" =>
        [
            ("001_people.sql", "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO people (id, name) VALUES (1, 'ada'), (2, 'grace');"),
            ("002_email.sql", "ALTER TABLE people ADD COLUMN email TEXT;"),
            ("003_email_again.sql", "ALTER TABLE people ADD COLUMN IF NOT EXISTS email TEXT;\nALTER TABLE people ADD COLUMN IF NOT EXISTS phone TEXT;\nALTER TABLE people ADD COLUMN IF NOT EXISTS phone TEXT;\nUPDATE people SET phone = 'n/a';"),
        ],
        "repeatables" =>
        [
            ("001_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);\nINSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20);"),
            ("R__item_names.sql", "DROP VIEW IF EXISTS item_names;\nCREATE VIEW item_names AS SELECT name FROM items;"),
            ("002_stock.sql", "ALTER TABLE items ADD COLUMN stock INTEGER;"),
        ],
        "no transaction" =>
        [
            ("001_events.sql", "CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT);"),
            ("002_index.sql", "-- omb:no-transaction\nCREATE INDEX events_kind ON events (kind);\n"),
        ],
        _ =>
        [
            ("001_orders.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER NOT NULL);\nINSERT INTO orders (id, total) VALUES (1, 10), (2, 20), (3, 30);"),
            ("002_index.sql", "CREATE INDEX orders_total ON orders (total);\nUPDATE orders SET total = total * 2 WHERE id > 1;"),
            ("003_lines.sql", "CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id), qty INTEGER);\nINSERT INTO lines (id, order_id, qty) VALUES (1, 1, 2), (2, 3, 1);"),
        ],
    };

    public void Dispose()
    {
        Workspace.Dispose();
        _scratch.Dispose();
    }
}
