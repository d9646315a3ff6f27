using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.FanOut;

/// <summary>Fan-out on SQLite: each target a database file, from items or from a query's rows.</summary>
public sealed class SqliteFanOutTests : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();

    [Fact]
    public async Task A_targets_query_lists_database_files_and_a_failing_file_leaves_the_others_migrated()
    {
        _workspace.Add("001_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\nINSERT INTO items VALUES (1, 'a');");
        _workspace.Add("002_tags.sql", "CREATE TABLE tags (item_id INTEGER REFERENCES items (id), tag TEXT);");
        var folder = Path.Combine(_workspace.Root, "tenants");
        Directory.CreateDirectory(folder);
        var files = new[] { "north", "south", "west" }.Select(n => Path.Combine(folder, n + ".sqlite")).ToList();
        var control = Path.Combine(_workspace.Root, "control.sqlite");
        Assert.True(ProcessRunner.Run("sqlite3", [control, $"CREATE TABLE tenants (path TEXT); INSERT INTO tenants VALUES {string.Join(", ", files.Select(f => $"('{f}')"))};"]).Succeeded);
        Assert.True(ProcessRunner.Run("sqlite3", [files[1], "CREATE TABLE items (id INTEGER);"]).Succeeded);

        var result = await new Migrator(_workspace.Log).MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions
        {
            Module = "tenant",
            Provider = "sqlite",
            ConnectionString = $"Data Source={control}",
            TargetsQuery = "SELECT path FROM tenants ORDER BY path",
        });

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4001", error.Code);
        Assert.StartsWith("[south] ", error.Message);
        Assert.Empty(SqliteInspector.History(files[1], "tenant"));
        Assert.Equal(["CREATE TABLE items (id INTEGER)"], SqliteInspector.Strings(files[1], "SELECT sql FROM sqlite_master WHERE name IN ('items', 'tags')"));
        foreach (var file in new[] { files[0], files[2] })
        {
            Assert.Equal(["001", "002"], SqliteInspector.History(file, "tenant"));
        }

        Assert.Contains(_workspace.Log.Lines, l => l.StartsWith("[MIGRATE] 3 target(s): 2 ok, 1 failed, 0 skipped", StringComparison.Ordinal));
    }

    public void Dispose() => _workspace.Dispose();
}
