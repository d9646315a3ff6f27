using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>Which scripts keep their text in memory, and what one read again from its file must still be.</summary>
public sealed class ScriptTextTests : IDisposable
{
    private readonly TempDirectory _folder = new("omb-script-text");

    private static string Inserts(int rows) =>
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);\n"
        + string.Concat(Enumerable.Range(1, rows).Select(i => $"INSERT INTO items (id, name) VALUES ({i}, 'item number {i} imported from the old system');\n"));

    private CatalogResult Load() => MigrationCatalog.LoadWithNotes(FileSystemMigrationSource.FromDirectory(_folder.Path), ProviderTags.Sqlite);

    [Fact]
    public void A_set_within_the_budget_keeps_every_text()
    {
        _folder.Write("001_items.sql", Inserts(1_000));
        _folder.Write("002_more.sql", Inserts(1_000).Replace("items", "more"));

        var catalog = Load();

        Assert.False(catalog.TextsLetGo);
        Assert.All(catalog.Scripts, s => Assert.True(s.Body.IsKept));
    }

    [Fact]
    public void A_single_script_larger_than_the_budget_keeps_its_text_and_the_small_ones_beside_it_let_theirs_go()
    {
        var large = Inserts(ScriptText.KeptChars / 80);
        Assert.True(large.Length > ScriptText.KeptChars);
        _folder.Write("001_dump.sql", large);
        _folder.Write("002_more.sql", "CREATE TABLE more (id INTEGER);\n");

        var catalog = Load();

        Assert.True(catalog.TextsLetGo);
        Assert.Equal([true, false], catalog.Scripts.Select(s => s.Body.IsKept));
        Assert.Equal("CREATE TABLE more (id INTEGER);\n", catalog.Scripts[1].Text);
    }

    [Fact]
    public void A_text_read_again_is_the_file_as_checked_and_an_edit_since_then_is_OMB1014_at_the_file()
    {
        var files = Enumerable.Range(1, 3).Select(i => _folder.Write($"00{i}_rows.sql", Inserts(10_000).Replace("items", $"items_{i}"))).ToList();
        var source = FileSystemMigrationSource.FromDirectory(_folder.Path);
        var scripts = MigrationCatalog.LoadWithNotes(source, ProviderTags.Sqlite).Scripts;
        Assert.All(scripts, s => Assert.False(s.Body.IsKept));
        var asChecked = File.ReadAllText(files[0]);

        File.WriteAllText(files[2], File.ReadAllText(files[2]).Replace("item number 7 ", "item number 8 "));
        // The copy read last is used while something holds it; nothing does once it is collected.
        GC.Collect();

        Assert.Equal(asChecked, scripts[0].Text);
        var error = Assert.Throws<MigrationException>(() => scripts[2].Text).Diagnostic;
        Assert.Equal(("OMB1014", files[2]), (error.Code, error.File));
    }

    public void Dispose() => _folder.Dispose();
}
