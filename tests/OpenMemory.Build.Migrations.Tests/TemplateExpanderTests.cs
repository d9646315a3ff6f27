using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Tests;

public class TemplateExpanderTests
{
    private static readonly TemplateScope Sqlite = new(name => name, "main");
    private static readonly TemplateScope Postgres = new(name => $"\"llmemory\".\"{(name == "memories" ? "openmemory_memories" : name)}\"", "\"llmemory\"");

    [Fact]
    public void Tables_expand_to_bare_names_on_sqlite_and_quoted_schema_names_on_postgres()
    {
        const string sql = "CREATE TABLE IF NOT EXISTS {{tables.documents}} (id int REFERENCES {{ tables.memories }}(id));";
        Assert.Equal("CREATE TABLE IF NOT EXISTS documents (id int REFERENCES memories(id));", TemplateExpander.Expand(sql, Sqlite, "f.sql").Text);
        Assert.Equal("CREATE TABLE IF NOT EXISTS \"llmemory\".\"documents\" (id int REFERENCES \"llmemory\".\"openmemory_memories\"(id));",
            TemplateExpander.Expand(sql, Postgres, "f.sql").Text);
        Assert.Equal("GRANT USAGE ON SCHEMA \"llmemory\" TO app;", TemplateExpander.Expand("GRANT USAGE ON SCHEMA {{schema}} TO app;", Postgres, "f.sql").Text);
    }

    [Fact]
    public void Unknown_placeholders_are_errors_with_file_line_and_column()
    {
        var e = Assert.Throws<MigrationException>(() => TemplateExpander.Expand("SELECT 1;\n\n  SELECT * FROM {{table.x}};", Sqlite, "m.sql"));
        Assert.Equal("OMB1006", e.Diagnostic.Code);
        Assert.Equal(("m.sql", 3, 17), (e.Diagnostic.File, e.Diagnostic.Line, e.Diagnostic.Column));
    }

    [Fact]
    public void Array_literals_with_double_braces_are_not_placeholders()
    {
        const string sql = "SELECT '{{1,2},{3,4}}'::int[][];";
        Assert.Equal(sql, TemplateExpander.Expand(sql, Postgres, "f.sql").Text);
    }

    [Fact]
    public void Offsets_after_an_expansion_map_back_to_the_original_text()
    {
        const string original = "INSERT INTO {{tables.memories}} VALUES (1);\nSELECT broken;";
        var expanded = TemplateExpander.Expand(original, Postgres, "f.sql");
        var inExpanded = expanded.Text.IndexOf("broken", StringComparison.Ordinal);
        Assert.Equal(original.IndexOf("broken", StringComparison.Ordinal), expanded.ToOriginalOffset(inExpanded));
        var insidePlaceholder = expanded.Text.IndexOf("openmemory_memories", StringComparison.Ordinal);
        Assert.Equal(original.IndexOf("{{", StringComparison.Ordinal), expanded.ToOriginalOffset(insidePlaceholder));
    }
}
