using OpenMemory.Build.Migrations.Tests.Infrastructure;

namespace OpenMemory.Build.Migrations.Tests;

public sealed class SqliteMessageTests : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();

    [Fact]
    public void A_string_in_double_quotes_gets_the_single_quote_hint()
    {
        _workspace.Add("001_notes.sql", "CREATE TABLE notes (body TEXT);");
        var file = _workspace.Add("002_seed.sql", "INSERT INTO notes (body) VALUES ('fine');\nINSERT INTO notes (body) VALUES (\"hello\");\n");

        var result = _workspace.RunSqlite();

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", file, 2), (error.Code, error.File, error.Line));
        Assert.Contains("no such column", error.Message);
        Assert.Contains("\"hello\" in double quotes is a name, not a string (the sqlite3 shell accepts it, this library does not): write 'hello' in single quotes", error.Message);
    }

    public void Dispose() => _workspace.Dispose();
}
