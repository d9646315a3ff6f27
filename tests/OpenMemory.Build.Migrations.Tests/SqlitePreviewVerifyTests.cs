using OpenMemory.Build.Migrations.Reporting;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

public sealed class SqlitePreviewVerifyTests : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_preview_script_run_by_sqlite3_gives_the_same_schema_and_history_as_apply(bool halfMigrated)
    {
        _workspace.AddSampleMigrations(name => name.StartsWith("1.1.0", StringComparison.Ordinal));
        if (halfMigrated)
        {
            Assert.True(_workspace.RunSqlite().Succeeded, _workspace.Log.Text);
        }

        _workspace.AddSampleMigrations();
        var copy = _workspace.DatabasePath + ".preview.sqlite";
        if (halfMigrated)
        {
            File.Copy(_workspace.DatabasePath, copy);
        }

        var bytesBefore = halfMigrated ? File.ReadAllBytes(_workspace.DatabasePath) : null;
        var preview = _workspace.Run(_workspace.SqliteOptions(MigrationMode.Preview) is var o ? WithPreviewFile(o) : null!);
        Assert.True(preview.Succeeded, _workspace.Explain(preview));
        Assert.Equal(halfMigrated ? 2 : 3, preview.PendingCount);
        if (halfMigrated)
        {
            Assert.Equal(bytesBefore, File.ReadAllBytes(_workspace.DatabasePath));
        }
        else
        {
            Assert.False(File.Exists(_workspace.DatabasePath), "preview must not create the database");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        var sqlite3 = ProcessRunner.Run("sqlite3", ["-bail", copy, $".read {_workspace.PreviewFile}"]);
        Assert.True(sqlite3.Succeeded, sqlite3.Output + "\n" + File.ReadAllText(_workspace.PreviewFile));

        Assert.True(_workspace.RunSqlite().Succeeded, _workspace.Log.Text);
        Assert.Equal(SqliteInspector.Schema(_workspace.DatabasePath), SqliteInspector.Schema(copy));
        const string history = "SELECT module_name || ' ' || version || ' ' || filename || ' ' || checksum || ' ' || kind FROM schema_migrations ORDER BY version";
        Assert.Equal(SqliteInspector.Strings(_workspace.DatabasePath, history), SqliteInspector.Strings(copy, history));

        var again = _workspace.Run(WithPreviewFile(_workspace.SqliteOptions(MigrationMode.Preview)));
        Assert.Equal(0, again.PendingCount);
    }

    [Fact]
    public void Verify_passes_with_counts_and_reads_only()
    {
        _workspace.Add("1_a.sql", "CREATE TABLE a (id INTEGER);");
        Assert.True(_workspace.RunSqlite().Succeeded);
        _workspace.Add("2_b.sql", "CREATE TABLE b (id INTEGER);");
        var before = File.ReadAllBytes(_workspace.DatabasePath);

        var result = _workspace.RunSqlite(MigrationMode.Verify);

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal((1, 1), (result.RecordedCount, result.PendingCount));
        Assert.Contains("[MIGRATE] Verified: 1 applied, 1 pending; checksums match", _workspace.Log.Lines);
        Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));
    }

    public static TheoryData<string, string> VerifyFailures => new()
    {
        { "modified", "OMB3001" },
        { "missing", "OMB3002" },
        { "out-of-order", "OMB3003" },
        { "pending", "OMB3004" },
    };

    [Theory]
    [MemberData(nameof(VerifyFailures))]
    public void Each_verify_failure_has_its_code_and_leaves_the_database_unchanged(string kind, string code)
    {
        var first = _workspace.Add("1_a.sql", "CREATE TABLE a (id INTEGER);");
        var third = _workspace.Add("3_c.sql", "CREATE TABLE c (id INTEGER);");
        Assert.True(_workspace.RunSqlite().Succeeded);
        switch (kind)
        {
            case "modified":
                File.WriteAllText(first, "CREATE TABLE a (id INTEGER, x TEXT);");
                break;
            case "missing":
                File.Delete(third);
                break;
            case "out-of-order":
                _workspace.Add("2_b.sql", "CREATE TABLE b (id INTEGER);");
                break;
            case "pending":
                _workspace.Add("4_d.sql", "CREATE TABLE d (id INTEGER);");
                break;
        }

        var before = File.ReadAllBytes(_workspace.DatabasePath);
        var options = _workspace.SqliteOptions(MigrationMode.Verify);
        var result = _workspace.Run(new MigrationOptions
        {
            Module = options.Module, Provider = options.Provider, ConnectionString = options.ConnectionString, Mode = MigrationMode.Verify, FailOnPending = true,
        });

        Assert.Equal(code, Assert.Single(result.Errors).Code);
        Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));

        // Apply runs the same checks first (all but "pending", which only gates Verify).
        var apply = _workspace.RunSqlite();
        Assert.Equal(kind == "pending", apply.Succeeded);
        if (kind != "pending")
        {
            Assert.Equal(code, Assert.Single(apply.Errors).Code);
            Assert.Equal(before, File.ReadAllBytes(_workspace.DatabasePath));
        }
    }

    [Fact]
    public void Out_of_order_migrations_apply_when_allowed()
    {
        _workspace.Add("1_a.sql", "CREATE TABLE a (id INTEGER);");
        _workspace.Add("3_c.sql", "CREATE TABLE c (id INTEGER);");
        Assert.True(_workspace.RunSqlite().Succeeded);
        _workspace.Add("2_b.sql", "CREATE TABLE b (id INTEGER);");
        var options = _workspace.SqliteOptions();
        var result = _workspace.Run(new MigrationOptions { Module = options.Module, Provider = "sqlite", ConnectionString = options.ConnectionString, AllowOutOfOrder = true });
        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Contains("b", SqliteInspector.Tables(_workspace.DatabasePath));
    }

    [Fact]
    public void The_report_lists_every_migration_with_its_state_and_the_totals()
    {
        var first = _workspace.Add("1_a.sql", "CREATE TABLE a (id INTEGER);");
        _workspace.Add("2_b.sql", "CREATE TABLE b (id INTEGER);");
        Assert.True(_workspace.RunSqlite().Succeeded);
        File.WriteAllText(first, "CREATE TABLE a (id INTEGER, changed INTEGER);");
        _workspace.Remove("2_b.sql");
        _workspace.Add("3_c.sql", "CREATE TABLE c (id INTEGER);");

        var result = _workspace.RunSqlite(MigrationMode.Verify);
        using var stream = new MemoryStream();
        MigrationReport.Write(result, stream);
        using var json = System.Text.Json.JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;

        Assert.Equal("verify", root.GetProperty("mode").GetString());
        Assert.False(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal(["modified", "missing", "pending"], root.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("state").GetString()));
        Assert.Equal(1, root.GetProperty("totals").GetProperty("modified").GetInt32());
        Assert.Equal(1, root.GetProperty("totals").GetProperty("missing").GetInt32());
        Assert.Equal(["OMB3001", "OMB3002"], root.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("code").GetString()).Order());
        Assert.Equal(System.Text.Json.JsonValueKind.String, root.GetProperty("migrations")[0].GetProperty("appliedAt").ValueKind);
    }

    private MigrationOptions WithPreviewFile(MigrationOptions options) => new()
    {
        Module = options.Module, Provider = options.Provider, ConnectionString = options.ConnectionString, Mode = options.Mode, PreviewFile = _workspace.PreviewFile,
    };

    public void Dispose() => _workspace.Dispose();
}
