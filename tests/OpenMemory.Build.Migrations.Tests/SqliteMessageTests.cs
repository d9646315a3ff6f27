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

    [Fact]
    public void A_syntax_error_is_located_at_the_failing_token_not_its_first_occurrence()
    {
        _workspace.Add("001_t.sql", "CREATE TABLE t (a INTEGER, b INTEGER);");
        const string line = "INSERT INTO t VALUES (1, 2), (3,, 4);";
        var file = _workspace.Add("002_bad.sql", "-- a, b, c\n" + line + "\n");

        var result = _workspace.RunSqlite();

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", file, 2, line.IndexOf(",,", StringComparison.Ordinal) + 2), (error.Code, error.File, error.Line, error.Column));
    }

    [Fact]
    public void A_missing_name_is_found_as_a_word_outside_strings()
    {
        _workspace.Add("001_t.sql", "CREATE TABLE t (a INTEGER);");
        const string line = "INSERT INTO t SELECT 'missing' FROM missing;";
        var file = _workspace.Add("002_bad.sql", line + "\n");

        var error = Assert.Single(_workspace.RunSqlite().Errors);

        Assert.Equal((file, 1, line.LastIndexOf("missing", StringComparison.Ordinal) + 1), (error.File, error.Line, error.Column));
    }

    public void Dispose() => _workspace.Dispose();
}
