using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

public sealed class SqliteApplyTests : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();

    [Fact]
    public void Applies_pending_migrations_in_version_order_and_then_nothing()
    {
        _workspace.Add("10_third.sql", "CREATE TABLE c (id INTEGER);");
        _workspace.Add("2_second.sql", "CREATE TABLE b (id INTEGER REFERENCES a(id));");
        _workspace.Add("1_first.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");

        var first = _workspace.RunSqlite();
        Assert.True(first.Succeeded, _workspace.Explain(first));
        Assert.Equal(3, first.AppliedNowCount);
        Assert.Equal(["1", "2", "10"], SqliteInspector.History(_workspace.DatabasePath));
        Assert.Contains("[MIGRATE] Current database version: none", _workspace.Log.Lines);
        Assert.Contains("[MIGRATE] Running migration: 2 - Second", _workspace.Log.Lines);
        Assert.Contains(_workspace.Log.Lines, l => l.StartsWith("[MIGRATE] All migrations completed: 3 applied in ", StringComparison.Ordinal) && l.EndsWith("; database version none -> 10", StringComparison.Ordinal));

        var before = File.ReadAllBytes(_workspace.DatabasePath);
        var second = _workspace.RunSqlite();
        Assert.True(second.Succeeded, _workspace.Explain(second));
        Assert.Equal(0, second.AppliedNowCount);
        Assert.Contains("[MIGRATE] No pending migrations: the database is up to date (version 10)", _workspace.Log.Lines);
        Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));
    }

    [Fact]
    public void History_rows_record_module_file_checksum_time_and_user()
    {
        _workspace.Add("001_init.sql", "SELECT 1;\nSELECT 2;");
        Assert.True(_workspace.RunSqlite().Succeeded);

        var row = SqliteInspector.Strings(_workspace.DatabasePath,
            "SELECT module_name || '|' || version || '|' || filename || '|' || checksum || '|' || kind || '|' || (applied_at LIKE '20%Z') || '|' || (applied_by IS NOT NULL) || '|' || (execution_time_ms >= 0) FROM schema_migrations").Single();
        Assert.Equal("test|001|001_init.sql|f64316e71b25e7e950d2440c39420b51dfcc2931e172a923d5b7f89fdc67342d|applied|1|1|1", row);
    }

    [Fact]
    public void Editing_one_byte_of_an_applied_migration_fails_and_leaves_the_database_byte_for_byte_unchanged()
    {
        var file = _workspace.Add("1_first.sql", "CREATE TABLE a (id INTEGER);");
        Assert.True(_workspace.RunSqlite().Succeeded);
        _workspace.Add("2_second.sql", "CREATE TABLE b (id INTEGER);");
        File.WriteAllText(file, "CREATE TABLE a (id INTEGEr);");
        var before = File.ReadAllBytes(_workspace.DatabasePath);

        var result = _workspace.RunSqlite();

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB3001", error.Code);
        Assert.Equal(file, error.File);
        Assert.Contains("recorded checksum", error.Message);
        Assert.Contains("restore the file", error.Message);
        Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));
        Assert.DoesNotContain("b", SqliteInspector.Tables(_workspace.DatabasePath));
    }

    [Fact]
    public void Converting_an_applied_migration_to_crlf_or_adding_a_bom_is_not_a_change()
    {
        var file = _workspace.Add("1_first.sql", "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\n");
        Assert.True(_workspace.RunSqlite().Succeeded);
        File.WriteAllText(file, "\uFEFFCREATE TABLE a (id INTEGER);\r\nCREATE TABLE b (id INTEGER);\r\n\r\n");

        var result = _workspace.RunSqlite();
        Assert.True(result.Succeeded, _workspace.Explain(result));
    }

    [Fact]
    public void A_syntax_error_on_line_7_names_the_file_and_line_7_and_keeps_earlier_migrations_only()
    {
        _workspace.Add("1_first.sql", "CREATE TABLE a (id INTEGER);");
        _workspace.Add("2_second.sql", "CREATE TABLE b (id INTEGER);");
        var failing = _workspace.Add("3_broken.sql", """
            -- Third migration: its first statements work,
            -- the one on line 7 does not.
            CREATE TABLE c (id INTEGER);
            INSERT INTO c VALUES (1);

            CREATE INDEX c_id ON c(id);
            CREATE TABLEX d (id INTEGER);
            CREATE TABLE e (id INTEGER);
            """);
        _workspace.Add("4_later.sql", "CREATE TABLE f (id INTEGER);");

        var result = _workspace.RunSqlite();

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4001", error.Code);
        Assert.Equal(failing, error.File);
        Assert.Equal(7, error.Line);
        Assert.Contains("TABLEX", error.Message);
        Assert.Equal(["a", "b", "schema_migrations"], SqliteInspector.Tables(_workspace.DatabasePath));
        Assert.Equal(["1", "2"], SqliteInspector.History(_workspace.DatabasePath));
        Assert.Empty(SqliteInspector.Strings(_workspace.DatabasePath, "SELECT name FROM sqlite_master WHERE name = 'c_id'"));
    }

    [Fact]
    public void An_error_inside_a_multi_line_statement_points_at_the_line_of_the_offending_token()
    {
        var file = _workspace.Add("1_x.sql", "CREATE TABLE a (\n  id INTEGER,\n  name TEXT\n);\nINSERT INTO a (id, name)\n  SELECT id, nme\n  FROM a;");
        var error = Assert.Single(_workspace.RunSqlite().Errors);
        Assert.Equal((file, 6), (error.File, error.Line));
    }

    [Fact]
    public void Provider_variants_pick_the_active_provider_and_a_missing_variant_is_an_error()
    {
        _workspace.Add("1_tables.sqlite.sql", "CREATE TABLE only_sqlite (id INTEGER);");
        _workspace.Add("1_tables.postgres.sql", "CREATE TABLE only_pg (id int);");
        Assert.True(_workspace.RunSqlite().Succeeded);
        Assert.Contains("only_sqlite", SqliteInspector.Tables(_workspace.DatabasePath));
        Assert.Equal("1_tables.sqlite.sql", SqliteInspector.Strings(_workspace.DatabasePath, "SELECT filename FROM schema_migrations").Single());

        _workspace.Add("2_pg_only.postgres.sql", "SELECT 1;");
        var result = _workspace.RunSqlite();
        Assert.Equal("OMB1003", Assert.Single(result.Errors).Code);
        Assert.Contains("2_pg_only.sqlite.sql", result.Errors.Single().Message);
    }

    [Fact]
    public void Modules_share_one_database_without_seeing_each_others_rows()
    {
        _workspace.Add("1_a.sql", "CREATE TABLE IF NOT EXISTS shared_marker (id INTEGER);");
        Assert.True(_workspace.RunSqlite(module: "alpha").Succeeded);
        var beta = _workspace.RunSqlite(module: "beta");
        Assert.True(beta.Succeeded, _workspace.Explain(beta));
        Assert.Equal(1, beta.AppliedNowCount);
        Assert.Equal(["1"], SqliteInspector.History(_workspace.DatabasePath, "alpha"));
        Assert.Equal(["1"], SqliteInspector.History(_workspace.DatabasePath, "beta"));
    }

    [Fact]
    public void Add_column_if_not_exists_works_on_sqlite_and_skips_an_existing_column()
    {
        _workspace.Add("1_base.sql", "CREATE TABLE memories (id TEXT PRIMARY KEY);\nALTER TABLE memories ADD COLUMN user_id TEXT;");
        _workspace.Add("2_users.sql", "ALTER TABLE {{tables.memories}} ADD COLUMN IF NOT EXISTS user_id TEXT;\nALTER TABLE memories ADD IF NOT EXISTS \"project_id\" TEXT DEFAULT 'p';");
        var result = _workspace.RunSqlite();
        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal(["id", "user_id", "project_id"], SqliteInspector.Strings(_workspace.DatabasePath, "SELECT name FROM pragma_table_info('memories')"));
    }

    [Fact]
    public void Transaction_control_inside_a_transactional_migration_is_refused_before_anything_runs()
    {
        _workspace.Add("1_ok.sql", "CREATE TABLE a (id INTEGER);");
        var file = _workspace.Add("2_tx.sql", "CREATE TABLE b (id INTEGER);\nCOMMIT;");
        var result = _workspace.RunSqlite();
        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB1012", file, 2), (error.Code, error.File, error.Line));
        Assert.False(File.Exists(_workspace.DatabasePath) && SqliteInspector.Tables(_workspace.DatabasePath).Contains("a"));
    }

    [Fact]
    public void A_bad_file_leaves_no_database_file_no_folder_and_no_lock_file_behind()
    {
        _workspace.Add("1_ok.sql", "CREATE TABLE a (id INTEGER);");
        var empty = _workspace.Add("2_empty.sql", " \n");
        var path = Path.Combine(_workspace.Root, "new-folder", "app.sqlite");

        var result = _workspace.Run(new MigrationOptions { Module = "test", Provider = "sqlite", ConnectionString = $"Data Source={path}" });

        Assert.Equal(("OMB1004", empty), (Assert.Single(result.Errors).Code, result.Errors[0].File));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)), "a run with a bad file made the database's folder");
    }

    [Fact]
    public void A_bad_file_leaves_an_existing_database_without_a_lock_file_as_it_was()
    {
        // A database another tool made has no lock file yet: taking the run lock would make one, so the files come first.
        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        var made = ProcessRunner.Run("sqlite3", [_workspace.DatabasePath, "CREATE TABLE legacy (id INTEGER); INSERT INTO legacy VALUES (1);"]);
        Assert.True(made.Succeeded, made.Output);
        var before = File.ReadAllBytes(_workspace.DatabasePath);
        _workspace.Add("1_ok.sql", "CREATE TABLE a (id INTEGER);");
        var empty = _workspace.Add("2_empty.sql", "\t\n");

        var result = _workspace.RunSqlite();

        Assert.Equal(("OMB1004", empty), (Assert.Single(result.Errors).Code, result.Errors[0].File));
        Assert.False(File.Exists(Providers.Sqlite.SqliteRunLock.PathFor(_workspace.DatabasePath)), "a run with a bad file made the lock file");
        Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));
    }

    [Fact]
    public void No_transaction_migrations_run_outside_a_transaction_and_record_after_the_last_statement()
    {
        _workspace.Add("1_t.sql", "CREATE TABLE a (id INTEGER);");
        _workspace.Add("2_vacuum.sql", "-- omb:no-transaction\nVACUUM;");
        var result = _workspace.RunSqlite();
        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal(["1", "2"], SqliteInspector.History(_workspace.DatabasePath));
    }

    public void Dispose() => _workspace.Dispose();
}
