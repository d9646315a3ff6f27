using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

/// <summary>
/// pg_dump output applied unchanged as migrations: a schema-only dump and data dumps (COPY, and --inserts) of a
/// database with functions, triggers, domains, rules, enum types and a few thousand rows, made by this machine's
/// pg_dump. Applied by the engine, each must give the same pg_dump as psql -f.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgDumpTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    private const string Fixture = """
        CREATE TYPE mood AS ENUM ('happy', 'sad');
        CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 50);
        CREATE TABLE items (id int PRIMARY KEY, name short_text, m mood, note text, created timestamptz DEFAULT '2024-01-01');
        CREATE TABLE audit (id serial PRIMARY KEY, note text);
        CREATE FUNCTION log_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (note) VALUES (NEW.name); RETURN NEW; END $$;
        CREATE TRIGGER items_log AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION log_item();
        CREATE RULE items_deleted AS ON DELETE TO items DO ALSO (INSERT INTO audit (note) VALUES ('deleted'); INSERT INTO audit (note) VALUES (old.name));
        CREATE VIEW happy_items AS SELECT id, name FROM items WHERE m = 'happy';
        INSERT INTO items (id, name, m, note)
          SELECT g, 'item ' || g, CASE WHEN g % 2 = 0 THEN 'happy' ELSE 'sad' END::mood,
                 CASE WHEN g % 7 = 0 THEN NULL WHEN g % 5 = 0 THEN E'tab\there; newline\nand back\\slash' ELSE 'plain' END
          FROM generate_series(1, 3000) AS g;
        """;

    public static TheoryData<string> Dumps => ["schema only", "data with COPY", "data with --inserts"];

    [Theory]
    [MemberData(nameof(Dumps))]
    public void A_pg_dump_applied_as_a_migration_gives_what_psql_gives(string kind)
    {
        var source = _server.CreateDatabase();
        _server.Execute(Fixture, source);
        string[] options = kind switch
        {
            "schema only" => ["--schema-only"],
            "data with --inserts" => ["--inserts"],
            _ => [],
        };
        var dump = _server.PgDumpRaw(source, options);
        Assert.Contains(@"\restrict", dump);
        if (kind == "data with COPY")
        {
            Assert.Contains("FROM stdin;", dump);
        }

        _workspace.Add("001_dump.sql", dump);
        var file = Path.Combine(_workspace.Root, "dump.sql");
        File.WriteAllText(file, dump);
        var byEngine = _server.CreateDatabase();
        var byPsql = _server.CreateDatabase();

        var result = _workspace.Run(new MigrationOptions { Module = "dump", Provider = "postgres", ConnectionString = _server.ConnectionString(byEngine), Schema = "migrations" });
        var psql = _server.Psql(byPsql, "-f", file);

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.True(psql.Succeeded, psql.Output);
        Assert.Equal(_server.PgDump(byPsql, "--schema=public"), _server.PgDump(byEngine, "--schema=public"));
        Assert.Equal(kind == "schema only" ? 0L : 3000L, (long)_server.Scalar("SELECT count(*) FROM public.items", byEngine)!);
    }

    [Fact]
    public void The_preview_and_deploy_scripts_carry_copy_rows_as_text_and_give_the_same_dump()
    {
        var source = _server.CreateDatabase();
        _server.Execute(Fixture, source);
        _workspace.Add("001_dump.sql", _server.PgDumpRaw(source));
        var applied = new PostgresTestDatabase(_server, _server.CreateDatabase(), "migrations");
        var previewed = new PostgresTestDatabase(_server, _server.CreateDatabase(), "migrations");
        var deployed = new PostgresTestDatabase(_server, _server.CreateDatabase(), "migrations");

        Assert.True(_workspace.Run(applied.Options()).Succeeded, _workspace.Log.Text);
        var previewOptions = previewed.Options(MigrationMode.Preview);
        Assert.True(_workspace.Run(previewOptions).Succeeded, _workspace.Log.Text);
        var preview = previewed.RunScript(previewOptions.PreviewFile!);
        var folder = Path.Combine(_workspace.Root, "deploy");
        Assert.True(deployed.WriteDeployScript(_workspace, folder).Succeeded);
        var deploy = deployed.RunDeployScript(folder);

        Assert.True(preview.Succeeded, preview.Output);
        Assert.True(deploy.Succeeded, deploy.Output);
        var dump = _server.PgDump(applied.Database, "--schema=public");
        Assert.Contains("COPY public.items", dump);
        Assert.Equal(dump, _server.PgDump(previewed.Database, "--schema=public"));
        Assert.Equal(dump, _server.PgDump(deployed.Database, "--schema=public"));
        Assert.Equal(applied.History(), deployed.History());
        var again = deployed.RunDeployScript(folder);
        Assert.True(again.Succeeded, again.Output);
        Assert.Equal(dump, _server.PgDump(deployed.Database, "--schema=public"));
    }

    [Fact]
    public void A_bad_row_of_inline_copy_data_is_reported_at_its_line_and_nothing_stays()
    {
        var database = _server.CreateDatabase();
        var file = _workspace.Add("001_rows.sql", "CREATE TABLE items (id int PRIMARY KEY, name text);\n\nCOPY items (id, name) FROM stdin;\n1\tone\n2\ttwo\nthree\tthree\n4\tfour\n\\.\n");

        var result = _workspace.Run(new MigrationOptions { Module = "rows", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = "app" });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", file, 6), (error.Code, error.File, error.Line));
        Assert.Contains("invalid input syntax for type integer", error.Message);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'items'", database));
    }

    [Fact]
    public void A_statement_failing_after_the_rows_is_reported_at_its_line_and_nothing_stays()
    {
        var database = _server.CreateDatabase();
        var file = _workspace.Add("001_rows.sql", "CREATE TABLE items (id int PRIMARY KEY, name text);\nCOPY items (id, name) FROM stdin;\n1\tone\n2\ttwo\n\\.\nCREATE INDEX items_name ON items (name);\nINSERT INTO items VALUES (2, 'again');\n");

        var result = _workspace.Run(new MigrationOptions { Module = "rows", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = "app" });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", file, 7), (error.Code, error.File, error.Line));
        Assert.Contains("duplicate key", error.Message);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'items'", database));
    }

    public void Dispose() => _workspace.Dispose();
}
