using OpenMemory.Build.Migrations.Tests.Behaviour;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Adoption;

/// <summary>
/// Folders of pop, golang-migrate and dbmate, applied unchanged, give what the tool itself gives with the
/// database's own client; a second run is a no-op. Written once, run on every provider.
/// </summary>
public abstract class ForeignFolderClaims : IDisposable
{
    protected MigrationWorkspace Workspace { get; } = new();

    protected abstract TestDatabase NewDatabase();

    [Fact]
    public void A_pop_folder_applies_as_pop_would_on_this_database_and_a_second_run_is_a_no_op()
    {
        var (database, first) = ApplyAndCompare(ForeignFolder.Pop());

        Assert.Contains(Workspace.Log.Lines, l => l.StartsWith("[MIGRATE] Skipped 128 file(s) for other databases (cockroach: 32, mysql: 96)", StringComparison.Ordinal));
        var sqlite = database.Provider == "sqlite";
        Assert.Equal(sqlite, Workspace.Log.Lines.Contains("[MIGRATE] 16 version(s) have up files only for other providers: they do not exist for sqlite"));
        Assert.Contains("[MIGRATE] 48 migration(s) are placeholders (an empty or comment-only up file): they are recorded and run nothing", Workspace.Log.Lines);
        Assert.Contains($"[MIGRATE] {(sqlite ? 240 : 256)} migration(s) have a down file, run only by a rollback", Workspace.Log.Lines);
        Assert.Equal(sqlite ? 272 : 288, first.AppliedNowCount);
        AssertSecondRunIsANoOp(database);
    }

    [Fact]
    public void A_golang_migrate_folder_applies_in_numeric_version_order_and_a_second_run_is_a_no_op()
    {
        var (database, first) = ApplyAndCompare(ForeignFolder.GolangMigrate());

        Assert.Equal(40, first.AppliedNowCount);
        Assert.Contains("[MIGRATE] 40 migration(s) have a down file, run only by a rollback", Workspace.Log.Lines);
        Assert.Equal(22L, database.Count($"SELECT count(*) FROM {database.Table("g1")}"));
        AssertSecondRunIsANoOp(database);
    }

    [Fact]
    public void A_dbmate_folder_runs_its_up_sections_and_an_edit_to_a_down_section_is_a_change()
    {
        var folder = ForeignFolder.Dbmate(NewDatabase().Provider);
        var (database, first) = ApplyAndCompare(folder);
        Assert.Equal(30, first.AppliedNowCount);
        AssertSecondRunIsANoOp(database);

        var edited = Path.Combine(Workspace.MigrationsFolder, folder.Files[2].Name);
        File.WriteAllText(edited, File.ReadAllText(edited).Replace("DROP TABLE d3;", "DROP TABLE IF EXISTS d3;"));
        var content = database.Content();
        var result = Workspace.Run(database.Options());
        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB3001", error.Code);
        Assert.Contains("its -- migrate:down section too", error.Message);
        Assert.Equal(content, database.Content());
    }

    /// <summary>Applies the folder with the engine, and the tool's own selection with the raw client; both must agree.</summary>
    private (TestDatabase Database, MigrationResult First) ApplyAndCompare(ForeignFolder folder)
    {
        folder.WriteTo(Workspace.MigrationsFolder);
        var database = NewDatabase();
        var reference = NewDatabase();

        var first = Workspace.Run(database.Options());
        Assert.True(first.Succeeded, Workspace.Explain(first));
        var raw = reference.ApplyReference(folder.ReferenceFor(database.Provider));
        Assert.True(raw.Succeeded, raw.Output);

        Assert.Equal(reference.Content(), database.Content());
        return (database, first);
    }

    private void AssertSecondRunIsANoOp(TestDatabase database)
    {
        var history = database.History();
        var again = Workspace.Run(database.Options());
        Assert.True(again.Succeeded, Workspace.Explain(again));
        Assert.Equal(0, again.AppliedNowCount);
        Assert.Equal(history, database.History());
    }

    public void Dispose() => Workspace.Dispose();
}

public sealed class SqliteForeignFolderClaims : ForeignFolderClaims
{
    protected override TestDatabase NewDatabase() => new SqliteTestDatabase(Path.Combine(Workspace.Root, "databases", $"{Guid.NewGuid():N}.sqlite"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresForeignFolderClaims(PostgresFixture fixture) : ForeignFolderClaims
{
    protected override TestDatabase NewDatabase() => new PostgresTestDatabase(fixture.Server, fixture.Server.CreateDatabase(), "app");
}
