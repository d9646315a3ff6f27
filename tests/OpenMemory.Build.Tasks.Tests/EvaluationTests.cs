using Microsoft.Build.Evaluation;
using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

/// <summary>What a project body sees and can change, read by evaluating the project in-process.</summary>
[Collection(MSBuildCollection.Name)]
public sealed class EvaluationTests
{
    [Fact]
    public void A_project_body_reads_the_defaults_and_removes_default_migration_items()
    {
        using var project = new ConsumerProject("Inventory",
            extraProperties: "<ModuleSeenByBody>$(MigrationModule)</ModuleSeenByBody><ProviderSeenByBody>$(MigrationProvider)</ProviderSeenByBody>",
            extraItems: "<Migration Remove=\"Migrations/archive/**\" />");
        project.AddMigration("001_a.sql", "SELECT 1;");
        project.AddMigration(Path.Combine("archive", "000_old.sql"), "SELECT 1;");
        project.AddMigration(Path.Combine("..", "bin", "Migrations", "002_copied.sql"), "SELECT 1;");

        var evaluated = Evaluate(project);

        Assert.Equal("Inventory", evaluated.GetPropertyValue("ModuleSeenByBody"));
        Assert.Equal("sqlite", evaluated.GetPropertyValue("ProviderSeenByBody"));
        Assert.Equal(["001_a.sql"], evaluated.GetItems("Migration").Select(i => Path.GetFileName(i.EvaluatedInclude)));
    }

    [Fact]
    public void Default_items_skip_bin_and_obj_even_inside_the_migrations_folder()
    {
        using var project = new ConsumerProject("Db", extraProperties: "<MigrationFolder>.</MigrationFolder>");
        project.AddMigration("001_a.sql", "SELECT 1;");
        File.WriteAllText(Directory.CreateDirectory(project.Combine("obj", "x")).FullName + "/002_generated.sql", "SELECT 1;");
        File.WriteAllText(Directory.CreateDirectory(project.Combine("bin", "Release")).FullName + "/003_copied.sql", "SELECT 1;");

        var evaluated = Evaluate(project);

        Assert.Equal(["001_a.sql"], evaluated.GetItems("Migration").Select(i => Path.GetFileName(i.EvaluatedInclude)));
    }

    [Theory]
    [InlineData(new[] { "migrations" }, "migrations")]
    [InlineData(new[] { "db/migrations" }, "db/migrations")]
    [InlineData(new[] { "Migrations", "migrations" }, "Migrations")]
    [InlineData(new string[0], "Migrations")]
    public void The_migration_folder_is_found_where_other_tools_keep_it(string[] folders, string expected)
    {
        using var project = new ConsumerProject("Db");
        foreach (var folder in folders)
        {
            File.WriteAllText(Directory.CreateDirectory(project.Combine(folder.Split('/'))).FullName + "/001_a.up.sql", "SELECT 1;");
        }

        var evaluated = Evaluate(project);

        Assert.Equal(expected, evaluated.GetPropertyValue("MigrationFolder"));
        Assert.Equal(folders.Length == 0 ? 0 : 1, evaluated.GetItems("Migration").Count);
    }

    [Theory]
    [InlineData("MigrationsEnabled", "false", "MigrationEnabled", "false")]
    [InlineData("MigrationLockTimeout", "5", "MigrationRunLockTimeout", "5")]
    [InlineData("MigrationsUseLockFile", "false", "MigrationUseLockFile", "false")]
    [InlineData("MigrationsLockedMode", "true", "MigrationLockedMode", "true")]
    [InlineData("MigrationsValidateOnBuild", "false", "MigrationValidateOnBuild", "false")]
    public void Names_used_before_still_work(string old, string value, string current, string expected)
    {
        using var project = new ConsumerProject("Db", extraProperties: $"<{old}>{value}</{old}>");

        Assert.Equal(expected, Evaluate(project).GetPropertyValue(current));
    }

    [Theory]
    [InlineData("sqlite3")]
    [InlineData("SQLite")]
    public void Every_sqlite_spelling_gets_the_default_connection(string provider)
    {
        using var project = new ConsumerProject("Db", extraProperties: $"<MigrationProvider>{provider}</MigrationProvider>");

        Assert.StartsWith("Data Source=", Evaluate(project).GetPropertyValue("MigrationConnectionString"));
    }

    [Fact]
    public void An_unchanged_build_skips_validation_and_an_edit_runs_it_again()
    {
        using var project = new ConsumerProject("Db");
        var file = project.AddMigration("001_a.sql", "CREATE TABLE a (id INTEGER);");

        var first = project.Build("Build");
        var second = project.Build("Build");
        File.AppendAllText(file, "\nCREATE TABLE b (id INTEGER);");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(2));
        var third = project.Build("Build");

        Assert.True(first.Succeeded && second.Succeeded && third.Succeeded, third.Log);
        Assert.Contains("Updated", first.Log);
        Assert.Contains("Skipping target \"ValidateMigrations\" because all output files are up-to-date", second.Log);
        Assert.DoesNotContain("Skipping target \"ValidateMigrations\"", third.Log);
    }

    [Fact]
    public void Migrate_on_build_validates_and_updates_the_lock_file_once()
    {
        using var project = new ConsumerProject("Db", extraProperties: "<MigrateOnBuild>true</MigrateOnBuild>");
        project.AddMigration("001_a.sql", "CREATE TABLE a (id INTEGER);");

        var outcome = project.Build("Build");

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.True(1 == outcome.Log.Split("\n").Count(l => l.Contains("[MIGRATE] Updated", StringComparison.Ordinal)), outcome.Log);
    }

    [Fact]
    public void A_psql_command_is_refused_by_a_plain_build_at_its_line_with_no_database()
    {
        using var project = new ConsumerProject("Db", extraProperties: "<MigrationProvider>postgres</MigrationProvider>");
        project.AddMigration("001_a.sql", "CREATE TABLE a (id int);");
        var file = project.AddMigration("002_dump.sql", "\\restrict k1\nCREATE TABLE b (id int);\n\\connect other\nCREATE TABLE c (id int);\n");

        var outcome = project.Build("Build");

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("OMB1013", file, 3), (error.Code, error.File, error.LineNumber));
        Assert.Contains("'\\connect' is a psql command, not SQL", error.Message);
    }

    private static Project Evaluate(ConsumerProject consumer)
    {
        using var collection = new ProjectCollection();
        return collection.LoadProject(consumer.ProjectPath);
    }
}
