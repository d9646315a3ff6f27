using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Tests;

public class SqlScriptSplitterTests
{
    [Fact]
    public void Semicolons_inside_strings_identifiers_and_comments_do_not_split()
    {
        const string sql = """
            INSERT INTO t VALUES ('a;b', 'it''s;');
            -- a comment; with a semicolon
            CREATE TABLE "we;ird" (x int); /* block; comment */
            SELECT 1
            """;
        var statements = SqlScriptSplitter.Split(sql, SqlDialect.Postgres);
        Assert.Equal(["INSERT INTO t VALUES ('a;b', 'it''s;')", "CREATE TABLE \"we;ird\" (x int)", "SELECT 1"], statements.Select(s => s.Text));
    }

    [Fact]
    public void A_multi_action_rule_as_pg_dump_writes_it_is_one_statement()
    {
        const string sql = """
            CREATE RULE log_insert AS
                ON INSERT TO public.items DO ALSO ( INSERT INTO public.audit (note) VALUES ('one');
             INSERT INTO public.audit (note) VALUES ('two');
            );
            SELECT 1;
            """;
        var statements = SqlScriptSplitter.Split(sql, SqlDialect.Postgres);
        Assert.Equal(2, statements.Count);
        Assert.EndsWith("VALUES ('two');\n)", statements[0].Text);
    }

    [Fact]
    public void Pg_dump_restrict_lines_are_skipped_and_other_psql_commands_are_refused_where_they_stand()
    {
        const string dump = "\\restrict AbC123\nSET statement_timeout = 0;\nCREATE TABLE t (id int);\n\\unrestrict AbC123\n";
        Assert.Equal(["SET statement_timeout = 0", "CREATE TABLE t (id int)"], SqlScriptSplitter.Split(dump, SqlDialect.Postgres).Select(s => s.Text));

        var refused = Assert.Throws<PsqlMetaCommandException>(() => SqlScriptSplitter.Split("CREATE TABLE a (id int);\n\\connect other\nCREATE TABLE b (id int);", SqlDialect.Postgres));
        Assert.Equal(("\\connect", 25), (refused.Command, refused.Offset));
    }

    [Fact]
    public void Copy_from_stdin_carries_its_inline_rows_up_to_the_terminator()
    {
        const string dump = "COPY public.items (id, name) FROM stdin;\n1\tone; not a statement\n2\t\\N\n\\.\n\nSELECT 1;\n";
        var statements = SqlScriptSplitter.Split(dump, SqlDialect.Postgres);

        Assert.Equal(["COPY public.items (id, name) FROM stdin", "SELECT 1"], statements.Select(s => s.Text));
        Assert.Equal("1\tone; not a statement\n2\t\\N\n", statements[0].CopyData?.ToString());
        Assert.Equal(dump.IndexOf("1\t", StringComparison.Ordinal), statements[0].CopyDataOffset);
        Assert.Throws<UnterminatedSqlException>(() => SqlScriptSplitter.Split("COPY t FROM stdin;\n1\n2\n", SqlDialect.Postgres));
    }

    [Fact]
    public void Dollar_quoted_function_bodies_stay_whole()
    {
        const string sql = """
            CREATE FUNCTION f() RETURNS int AS $body$
            BEGIN
              PERFORM 1; RETURN 2;
            END;
            $body$ LANGUAGE plpgsql;
            DO $$ BEGIN RAISE NOTICE 'x;y'; END $$;
            SELECT $1;
            """;
        var statements = SqlScriptSplitter.Split(sql, SqlDialect.Postgres);
        Assert.Equal(3, statements.Count);
        Assert.EndsWith("LANGUAGE plpgsql", statements[0].Text);
        Assert.StartsWith("DO $$", statements[1].Text);
    }

    [Fact]
    public void Sql_standard_function_bodies_with_begin_atomic_stay_whole()
    {
        const string sql = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END; SELECT 2; END; SELECT 3;";
        var statements = SqlScriptSplitter.Split(sql, SqlDialect.Postgres);
        Assert.Equal(2, statements.Count);
        Assert.EndsWith("SELECT 2; END", statements[0].Text);
    }

    [Fact]
    public void Sqlite_trigger_bodies_stay_whole_even_with_case_expressions()
    {
        const string sql = """
            CREATE TEMP TRIGGER trg AFTER INSERT ON t BEGIN
              UPDATE t SET x = CASE WHEN new.x > 0 THEN 1 ELSE 0 END WHERE rowid = new.rowid;
              INSERT INTO log VALUES ('x;');
            END;
            CREATE INDEX i ON t(x);
            """;
        var statements = SqlScriptSplitter.Split(sql, SqlDialect.Sqlite);
        Assert.Equal(2, statements.Count);
        Assert.EndsWith("END", statements[0].Text);
        Assert.Equal("CREATE INDEX i ON t(x)", statements[1].Text);
    }

    [Fact]
    public void Escape_strings_nested_comments_and_brackets_follow_their_dialect()
    {
        Assert.Equal(2, SqlScriptSplitter.Split(@"SELECT E'a\';b'; SELECT /* x /* nested; */ ; */ 1;", SqlDialect.Postgres).Count);
        Assert.Equal(2, SqlScriptSplitter.Split("SELECT [a;b], `c;d` FROM t; SELECT 2;", SqlDialect.Sqlite).Count);
    }

    [Fact]
    public void Statement_offsets_point_at_their_first_token()
    {
        const string sql = "-- header\n\n  CREATE TABLE a (x int);\n/* c */ DROP TABLE a;";
        var statements = SqlScriptSplitter.Split(sql, SqlDialect.Sqlite);
        Assert.Equal(sql.IndexOf("CREATE", StringComparison.Ordinal), statements[0].Offset);
        Assert.Equal(sql.IndexOf("DROP", StringComparison.Ordinal), statements[1].Offset);
    }

    [Theory]
    [InlineData("SELECT 1", "SELECT 1;")]
    [InlineData("SELECT 1 -- trailing note", "SELECT 1 -- trailing note\n;")]
    [InlineData("SELECT 1 -- note\nFROM t", "SELECT 1 -- note\nFROM t;")]
    public void Scripts_terminate_statements_so_a_trailing_comment_cannot_swallow_the_semicolon(string statement, string expected) =>
        Assert.Equal(expected, SqlLiteral.Terminated(statement));

    [Theory]
    [InlineData("SELECT 'open;")]
    [InlineData("SELECT 1; /* never closed")]
    [InlineData("DO $$ BEGIN END;")]
    public void Unterminated_strings_comments_and_bodies_are_reported(string sql) =>
        Assert.ThrowsAny<Exception>(() => SqlScriptSplitter.Split(sql, SqlDialect.Postgres));
}
