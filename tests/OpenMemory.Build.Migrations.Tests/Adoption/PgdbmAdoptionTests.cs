using OpenMemory.Build.Migrations.Tests.Behaviour;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Adoption;

/// <summary>
/// A database migrated by pgdbm (llmemory's engine) is continued as it is: its rows count as applied by file name,
/// the table keeps working for pgdbm, and two modules in it stay apart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgdbmAdoptionTests(PostgresFixture fixture) : IDisposable
{
    private static readonly (string Name, string Sql)[] Applied =
    [
        ("001_initial_schema.sql", "CREATE TABLE memories (id uuid PRIMARY KEY, owner_id text NOT NULL, content text NOT NULL);\nCREATE INDEX memories_owner ON memories (owner_id);"),
        ("002_add_tags.sql", "ALTER TABLE memories ADD COLUMN tags text[] NOT NULL DEFAULT '{}';"),
    ];

    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    [Fact]
    public void A_pgdbm_database_is_continued_without_running_anything_again_and_pgdbm_can_still_write_to_it()
    {
        var database = PgdbmDatabase();
        var rowsBefore = _server.Scalar("SELECT count(*) FROM llmemory.memories", database.Database);

        var verify = _workspace.Run(database.Options(MigrationMode.Verify, "aword_memory"));
        Assert.True(verify.Succeeded, _workspace.Explain(verify));
        Assert.Contains("[MIGRATE] Verified: 2 applied, 0 pending; checksums match", _workspace.Log.Lines);

        var first = _workspace.Run(database.Options(module: "aword_memory"));
        Assert.True(first.Succeeded, _workspace.Explain(first));
        Assert.Equal(0, first.AppliedNowCount);
        Assert.Contains("[MIGRATE] No pending migrations: the database is up to date (version 002)", _workspace.Log.Lines);
        Assert.Equal(rowsBefore, _server.Scalar("SELECT count(*) FROM llmemory.memories", database.Database));

        _workspace.Add("003_add_embedding.sql", "ALTER TABLE memories ADD COLUMN embedding real[];");
        var second = _workspace.Run(database.Options(module: "aword_memory"));
        Assert.True(second.Succeeded, _workspace.Explain(second));
        Assert.Equal(1, second.AppliedNowCount);
        Assert.Contains(_workspace.Log.Lines, l => l.StartsWith("[MIGRATE] Adopted pgdbm's schema_migrations", StringComparison.Ordinal));
        Assert.Equal("003", _server.Scalar("SELECT version FROM llmemory.schema_migrations WHERE filename = '003_add_embedding.sql'", database.Database));

        // pgdbm's own insert, as it writes it, still works after our run: its unique key is kept, our columns are nullable.
        InsertAsPgdbm(database, "004_pgdbm_side.sql", "aword_memory", Sha256("SELECT 1;"));
        Assert.Equal(4L, _server.Scalar("SELECT count(*) FROM llmemory.schema_migrations", database.Database));

        // The other module's row was never read as ours: no "applied but missing" error for it.
        var again = _workspace.Run(database.Options(MigrationMode.Verify, "aword_memory"));
        Assert.Equal("OMB3002", Assert.Single(again.Errors).Code);
        Assert.Contains("004", again.Errors.Single().Message);
    }

    [Fact]
    public void A_file_edited_after_pgdbm_applied_it_fails_with_OMB3001_quoting_the_recorded_checksum()
    {
        var database = PgdbmDatabase();
        var recorded = Sha256(Applied[1].Sql);
        File.WriteAllText(Path.Combine(_workspace.MigrationsFolder, Applied[1].Name), Applied[1].Sql.Replace("'{}'", "'{none}'"));
        var schema = database.Schema();

        var result = _workspace.Run(database.Options(module: "aword_memory"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB3001", error.Code);
        Assert.Contains(recorded, error.Message);
        Assert.EndsWith(Applied[1].Name, error.File);
        Assert.Equal(schema, database.Schema());
    }

    [Fact]
    public void Two_modules_in_one_pgdbm_table_stay_apart()
    {
        var database = PgdbmDatabase();
        using var other = new MigrationWorkspace();
        other.Add("001_jobs.sql", "CREATE TABLE jobs (id bigint PRIMARY KEY);");
        database.Execute("CREATE TABLE llmemory.jobs (id bigint PRIMARY KEY);");
        InsertAsPgdbm(database, "001_jobs.sql", "scheduler", Sha256("CREATE TABLE jobs (id bigint PRIMARY KEY);"));
        other.Add("002_job_runs.sql", "CREATE TABLE job_runs (job_id bigint REFERENCES jobs (id));");

        var scheduler = other.Run(database.Options(module: "scheduler"));
        var memory = _workspace.Run(database.Options(module: "aword_memory"));

        Assert.True(scheduler.Succeeded, other.Explain(scheduler));
        Assert.Equal(1, scheduler.AppliedNowCount);
        Assert.True(memory.Succeeded, _workspace.Explain(memory));
        Assert.Equal(0, memory.AppliedNowCount);
        Assert.Equal(["aword_memory 001_initial_schema.sql", "aword_memory 002_add_tags.sql", "scheduler 001_jobs.sql", "scheduler 002_job_runs.sql"],
            _server.Rows("SELECT module_name || ' ' || filename FROM llmemory.schema_migrations ORDER BY 1", database.Database).Select(r => (string)r[0]!));
    }

    [Fact]
    public void The_deploy_script_continues_a_pgdbm_database_too()
    {
        var database = PgdbmDatabase();
        _workspace.Add("003_add_embedding.sql", "ALTER TABLE memories ADD COLUMN embedding real[];");
        var folder = Path.Combine(_workspace.MigrationsFolder, "..", "deploy");

        database.WriteDeployScript(_workspace, folder, "aword_memory");
        var run = database.RunDeployScript(folder);

        Assert.True(run.Succeeded, run.Output);
        Assert.Equal(1L, _server.Scalar("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'llmemory' AND table_name = 'memories' AND column_name = 'embedding'", database.Database));
        Assert.Equal(3L, _server.Scalar("SELECT count(*) FROM llmemory.schema_migrations WHERE module_name = 'aword_memory'", database.Database));
        InsertAsPgdbm(database, "004_pgdbm_side.sql", "aword_memory", Sha256("SELECT 1;"));
    }

    /// <summary>A database as pgdbm leaves it: its table, the migrations run, a row each, and data in the tables.</summary>
    private PostgresTestDatabase PgdbmDatabase()
    {
        var database = new PostgresTestDatabase(_server, _server.CreateDatabase(), "llmemory");
        database.Execute("CREATE SCHEMA llmemory;\n" + PgdbmHistory.CreateTable("llmemory"));
        foreach (var (name, sql) in Applied)
        {
            _workspace.Add(name, sql);
            database.Execute("SET search_path TO llmemory;\n" + sql);
            InsertAsPgdbm(database, name, "aword_memory", Sha256(sql));
        }

        database.Execute("INSERT INTO llmemory.memories (id, owner_id, content) SELECT gen_random_uuid(), 'u' || (g % 7), 'memory ' || g FROM generate_series(1, 500) g;");
        return database;
    }

    private static void InsertAsPgdbm(PostgresTestDatabase database, string fileName, string module, string checksum) =>
        database.Execute(PgdbmHistory.Insert("llmemory", fileName, module, checksum));

    private static string Sha256(string content) => PgdbmHistory.Checksum(content);

    public void Dispose() => _workspace.Dispose();
}
