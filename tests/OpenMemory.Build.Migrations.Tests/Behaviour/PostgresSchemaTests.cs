using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

/// <summary>
/// MigrationSchema is the default schema of every migration, as in Flyway: a project written with unqualified names
/// puts everything there, whatever an earlier migration did to the session.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly TempDirectory _scratch = new("omb-pg-schema");
    private readonly PostgresServer _server = fixture.Server;

    // Twenty migrations as a team writes them: no schema anywhere, an extension in public used unqualified, and
    // one migration that is a pg_dump header (it empties the search path) in the middle.
    private static readonly (string Name, string Sql)[] Unqualified =
    [
        ("001_extension.sql", "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;"),
        ("002_mood.sql", "CREATE TYPE mood AS ENUM ('happy', 'sad');"),
        ("003_ticket_seq.sql", "CREATE SEQUENCE ticket_seq;"),
        ("004_users.sql", "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email citext NOT NULL UNIQUE, mood mood);"),
        ("005_tickets.sql", "CREATE TABLE tickets (id bigint PRIMARY KEY DEFAULT nextval('ticket_seq'), user_id bigint REFERENCES users (id), title text);"),
        ("006_tickets_user.sql", "CREATE INDEX tickets_user ON tickets (user_id);"),
        ("007_open_tickets.sql", "CREATE VIEW open_tickets AS SELECT t.id, u.email FROM tickets t JOIN users u ON u.id = t.user_id;"),
        ("008_touch.sql", "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;"),
        ("009_updated_at.sql", "ALTER TABLE tickets ADD COLUMN updated_at timestamptz;"),
        ("010_trigger.sql", "CREATE TRIGGER tickets_touch BEFORE UPDATE ON tickets FOR EACH ROW EXECUTE FUNCTION touch();"),
        ("011_seed_users.sql", "INSERT INTO users (email, mood) VALUES ('Ada@Example.org', 'happy'), ('grace@example.org', 'sad');"),
        ("012_seed_tickets.sql", "INSERT INTO tickets (user_id, title) SELECT id, 'first' FROM users;"),
        ("013_audit.sql", "CREATE TABLE audit (id serial PRIMARY KEY, note text);"),
        ("014_ticket_count.sql", "CREATE FUNCTION ticket_count(uid bigint) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM tickets WHERE user_id = uid $$;"),
        ("015_stats.sql", "CREATE MATERIALIZED VIEW ticket_stats AS SELECT user_id, count(*) AS n FROM tickets GROUP BY user_id;"),
        ("016_mood_neutral.sql", "ALTER TYPE mood ADD VALUE 'neutral';"),
        ("017_short_text.sql", "CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 100);"),
        ("018_audit_body.sql", "ALTER TABLE audit ADD COLUMN body short_text;"),
        ("019_pg_dump_header.sql", """
            SET statement_timeout = 0;
            SET lock_timeout = '1s';
            SET client_min_messages = warning;
            SELECT pg_catalog.set_config('search_path', '', false);
            SET myapp.tenant = 'acme';
            CREATE TABLE app.dumped (id integer NOT NULL);
            SET statement_timeout = '5min';
            SET ROLE app_user;
            """),
        ("020_after_dump.sql", """
            CREATE TABLE after_dump (id int, note citext);
            UPDATE tickets SET title = 'second' WHERE ticket_count(user_id) = 1;
            DO $$ BEGIN
              IF current_setting('lock_timeout') <> '0' OR current_setting('statement_timeout') <> '0' OR current_setting('myapp.tenant', true) <> ''
                 OR current_user <> session_user THEN RAISE EXCEPTION 'settings leaked from the migration before'; END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') THEN RAISE EXCEPTION 'the run lock was lost'; END IF;
            END $$;
            """),
    ];

    [Fact]
    public void Unqualified_names_land_in_the_configured_schema_and_public_keeps_what_it_had()
    {
        var database = NewDatabase();
        var publicBefore = PublicObjects(database);

        var result = _workspace.Run(database.Options());

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal(publicBefore, PublicObjects(database));
        var inApp = _server.Rows("""
            SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace
            UNION ALL SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'app'::regnamespace
            UNION ALL SELECT t.typname FROM pg_type t WHERE t.typnamespace = 'app'::regnamespace AND t.typtype IN ('e', 'd')
            """, database.Database).Select(r => (string)r[0]!).ToHashSet();
        foreach (var name in new[] { "users", "tickets", "ticket_seq", "users_id_seq", "tickets_user", "open_tickets", "touch", "audit", "audit_id_seq",
                     "ticket_count", "ticket_stats", "mood", "short_text", "dumped", "after_dump", "schema_migrations" })
        {
            Assert.Contains(name, inApp);
        }

        Assert.Equal(1L, database.Count("SELECT count(*) FROM pg_trigger WHERE tgname = 'tickets_touch' AND tgrelid = 'app.tickets'::regclass"));
        Assert.Equal(2L, database.Count("SELECT count(*) FROM app.tickets WHERE title = 'second' AND updated_at IS NOT NULL"));
        foreach (var table in new[] { "users", "tickets", "audit", "after_dump", "dumped", "open_tickets", "ticket_stats" })
        {
            Assert.True((bool)_server.Scalar($"SELECT has_table_privilege('app_user', 'app.{table}', 'SELECT, INSERT, UPDATE, DELETE')", database.Database)!, table);
        }

        foreach (var sequence in new[] { "ticket_seq", "users_id_seq", "audit_id_seq" })
        {
            Assert.True((bool)_server.Scalar($"SELECT has_sequence_privilege('app_user', 'app.{sequence}', 'USAGE')", database.Database)!, sequence);
        }
    }

    [Fact]
    public void The_preview_and_deploy_scripts_run_by_psql_give_the_same_pg_dump_as_apply()
    {
        var applied = NewDatabase();
        var previewed = NewDatabase();
        var deployed = NewDatabase();

        Assert.True(_workspace.Run(applied.Options()).Succeeded, _workspace.Log.Text);
        var previewOptions = previewed.Options(MigrationMode.Preview);
        Assert.True(_workspace.Run(previewOptions).Succeeded, _workspace.Log.Text);
        var preview = previewed.RunScript(previewOptions.PreviewFile!);
        Assert.True(preview.Succeeded, preview.Output);
        var folder = _scratch.Combine("deploy");
        Assert.True(deployed.WriteDeployScript(_workspace, folder).Succeeded);
        var deploy = deployed.RunDeployScript(folder);
        Assert.True(deploy.Succeeded, deploy.Output);

        var dump = applied.Schema();
        Assert.Contains("CREATE TABLE app.users", dump);
        Assert.Equal(dump, previewed.Schema());
        Assert.Equal(dump, deployed.Schema());
        Assert.Equal(applied.History(), previewed.History());
        Assert.Equal(applied.History(), deployed.History());
    }

    // Custom placeholder settings (SET myapp.x) of a caller's connection are not listed in pg_settings, so they
    // cannot be put back after the per-migration RESET ALL; README says so.
    [Fact]
    public async Task A_callers_connection_gets_its_own_settings_back()
    {
        var database = NewDatabase();
        await using var connection = new Npgsql.NpgsqlConnection(_server.ConnectionString(database.Database));
        await connection.OpenAsync();
        await using (var set = new Npgsql.NpgsqlCommand("SET search_path TO pg_catalog, public; SET statement_timeout = '42s'; SET lock_timeout = '7s'", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        var options = database.Options();
        var result = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions
        {
            Module = options.Module, Provider = "postgres", Connection = connection, Schema = "app", AppRole = "app_user",
        });

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        await using var read = new Npgsql.NpgsqlCommand(
            "SELECT current_setting('search_path') || '|' || current_setting('statement_timeout') || '|' || current_setting('lock_timeout') || '|' || current_user", connection);
        Assert.Equal("pg_catalog, public|42s|7s|postgres", await read.ExecuteScalarAsync());
    }

    [Fact]
    public void A_statement_that_cannot_run_in_a_transaction_names_the_directive_that_fixes_it()
    {
        using var workspace = new MigrationWorkspace();
        var database = NewDatabase();
        workspace.Add("001_items.sql", "CREATE TABLE items (id int);");
        var file = workspace.Add("002_index.sql", "CREATE INDEX CONCURRENTLY items_id ON items (id);");

        var result = workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", file, 1), (error.Code, error.File, error.Line));
        Assert.Contains("put '-- omb:no-transaction' on the first line", error.Message);
    }

    [Fact]
    public void A_pgdbm_history_is_read_without_being_altered_when_the_run_stops_on_an_error()
    {
        using var workspace = new MigrationWorkspace();
        var database = NewDatabase();
        database.Execute("""
            CREATE SCHEMA app;
            CREATE TABLE app.schema_migrations (id SERIAL PRIMARY KEY, filename VARCHAR(255) NOT NULL, checksum VARCHAR(64) NOT NULL,
              module_name VARCHAR(100), applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, applied_by VARCHAR(100) DEFAULT CURRENT_USER,
              execution_time_ms INTEGER, UNIQUE(filename, module_name));
            INSERT INTO app.schema_migrations (filename, checksum, module_name, execution_time_ms) VALUES ('001_items.sql', 'abc', 'test', 3);
            """);
        workspace.Add("001_items.sql", "CREATE TABLE items (id int);");
        var before = database.Schema();

        var result = workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB3001", error.Code);
        Assert.Contains("recorded checksum abc", error.Message);
        Assert.Equal(before, database.Schema());
    }

    [Fact]
    public void A_pg_dump_file_with_restrict_lines_and_a_multi_action_rule_applies_as_psql_applies_it()
    {
        using var workspace = new MigrationWorkspace();
        var applied = NewDatabase();
        var byPsql = NewDatabase();
        const string dump = """
            \restrict 9fQ2xZ
            SET statement_timeout = 0;
            SELECT pg_catalog.set_config('search_path', '', false);
            CREATE TABLE app.items (id integer NOT NULL, name text);
            CREATE TABLE app.audit (note text);
            CREATE RULE log_insert AS
                ON INSERT TO app.items DO ALSO ( INSERT INTO app.audit (note) VALUES ('inserted');
             INSERT INTO app.audit (note) VALUES (new.name);
            );
            INSERT INTO app.items VALUES (1, 'first');
            \unrestrict 9fQ2xZ
            """;
        workspace.Add("001_dump.sql", dump);
        byPsql.Execute("CREATE SCHEMA app");
        var file = Path.Combine(workspace.Root, "dump.sql");
        File.WriteAllText(file, dump);

        var result = workspace.Run(applied.Options());
        var psql = byPsql.RunScript(file);

        Assert.True(result.Succeeded, workspace.Explain(result));
        Assert.True(psql.Succeeded, psql.Output);
        Assert.Equal(2L, applied.Count("SELECT count(*) FROM app.audit"));
        Assert.Equal(_server.PgDump(byPsql.Database, "--schema=app", "--exclude-table=app.schema_migrations", "--no-privileges"),
            _server.PgDump(applied.Database, "--schema=app", "--exclude-table=app.schema_migrations", "--no-privileges"));
    }

    [Fact]
    public void An_error_after_emoji_and_cjk_is_located_at_its_column_through_bom_crlf_and_templates()
    {
        using var workspace = new MigrationWorkspace();
        var database = NewDatabase();
        workspace.Add("001_notes.sql", "CREATE TABLE {{tables.notes}} (body text);");
        const string line3 = "SELECT '🎉é🎉 漢字' || nosuchcolumn FROM {{tables.notes}};";
        var file = Path.Combine(workspace.MigrationsFolder, "002_bad.sql");
        File.WriteAllBytes(file, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(
            "-- 中文 注释 🎉\r\nINSERT INTO {{tables.notes}} (body) VALUES ('🎉🎉 漢字');\r\n" + line3 + "\r\n")]);

        var result = workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB4001", file, 3, line3.IndexOf("nosuchcolumn", StringComparison.Ordinal) + 1), (error.Code, error.File, error.Line, error.Column));
    }

    private PostgresTestDatabase NewDatabase()
    {
        if (!Directory.Exists(_workspace.MigrationsFolder))
        {
            foreach (var (name, sql) in Unqualified)
            {
                _workspace.Add(name, sql);
            }
        }

        var database = new PostgresTestDatabase(_server, _server.CreateDatabase(), "app") { AppRole = "app_user" };
        // What a DBA does once: the app role exists, and the extension sits in public, where its types resolve.
        _server.Execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN CREATE ROLE app_user LOGIN; END IF; END $$");
        database.Execute("CREATE EXTENSION citext WITH SCHEMA public");
        return database;
    }

    private List<string> PublicObjects(PostgresTestDatabase database) =>
        _server.Rows("""
            SELECT 'class ' || relname FROM pg_class WHERE relnamespace = 'public'::regnamespace
            UNION ALL SELECT 'proc ' || proname || '(' || pg_get_function_identity_arguments(oid) || ')' FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
            ORDER BY 1
            """, database.Database).Select(r => (string)r[0]!).ToList();

    public void Dispose()
    {
        _workspace.Dispose();
        _scratch.Dispose();
    }
}
