using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresPreviewVerifyTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    private MigrationOptions Options(string database, MigrationMode mode = MigrationMode.Apply, bool failOnPending = false) => new()
    {
        Module = "openmemory",
        Provider = "postgres",
        ConnectionString = _server.ConnectionString(database),
        Schema = "openmemory",
        Mode = mode,
        PreviewFile = mode == MigrationMode.Preview ? _workspace.PreviewFile : null,
        FailOnPending = failOnPending,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_preview_script_run_by_psql_gives_the_same_schema_and_history_as_apply(bool halfMigrated)
    {
        var applied = _server.CreateDatabase();
        var previewed = _server.CreateDatabase();
        _workspace.AddSampleMigrations(name => name.StartsWith("1.1.0", StringComparison.Ordinal));
        if (halfMigrated)
        {
            Assert.True(_workspace.Run(Options(applied)).Succeeded, _workspace.Log.Text);
            Assert.True(_workspace.Run(Options(previewed)).Succeeded, _workspace.Log.Text);
        }

        _workspace.AddSampleMigrations();
        var historyBefore = History(previewed);

        var preview = _workspace.Run(Options(previewed, MigrationMode.Preview));
        Assert.True(preview.Succeeded, _workspace.Explain(preview));
        Assert.Equal(halfMigrated ? 2 : 3, preview.PendingCount);
        Assert.Equal(historyBefore, History(previewed));
        Assert.Equal(halfMigrated, SchemaExists(previewed));

        var psql = _server.Psql(previewed, "-f", _workspace.PreviewFile);
        Assert.True(psql.Succeeded, psql.Output + "\n" + File.ReadAllText(_workspace.PreviewFile));

        Assert.True(_workspace.Run(Options(applied)).Succeeded, _workspace.Log.Text);
        Assert.Equal(Schema(applied), Schema(previewed));
        Assert.Equal(History(applied).Select(Comparable), History(previewed).Select(Comparable));
        Assert.Equal(0, _workspace.Run(Options(previewed, MigrationMode.Preview)).PendingCount);
    }

    [Fact]
    public void Preview_works_when_the_database_does_not_exist_yet()
    {
        _workspace.AddSampleMigrations();
        var options = Options("never_created_db", MigrationMode.Preview);
        var result = _workspace.Run(options);
        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal(3, result.PendingCount);
        Assert.Contains("CREATE SCHEMA IF NOT EXISTS \"openmemory\";", File.ReadAllText(_workspace.PreviewFile));
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_database WHERE datname = 'never_created_db'"));
    }

    [Theory]
    [InlineData("modified", "OMB3001")]
    [InlineData("missing", "OMB3002")]
    [InlineData("out-of-order", "OMB3003")]
    [InlineData("pending", "OMB3004")]
    public void Each_verify_failure_has_its_code_and_leaves_the_history_unchanged(string kind, string code)
    {
        var database = _server.CreateDatabase();
        var first = _workspace.Add("1_a.sql", "CREATE TABLE {{tables.a}} (id int);");
        var third = _workspace.Add("3_c.sql", "CREATE TABLE {{tables.c}} (id int);");
        Assert.True(_workspace.Run(Options(database)).Succeeded, _workspace.Log.Text);
        switch (kind)
        {
            case "modified": File.WriteAllText(first, "CREATE TABLE {{tables.a}} (id bigint);"); break;
            case "missing": File.Delete(third); break;
            case "out-of-order": _workspace.Add("2_b.sql", "CREATE TABLE {{tables.b}} (id int);"); break;
            default: _workspace.Add("4_d.sql", "CREATE TABLE {{tables.d}} (id int);"); break;
        }

        var before = History(database);
        var tablesBefore = Schema(database);
        var result = _workspace.Run(Options(database, MigrationMode.Verify, failOnPending: true));

        Assert.Equal(code, Assert.Single(result.Errors).Code);
        Assert.Equal(before, History(database));
        Assert.Equal(tablesBefore, Schema(database));
    }

    private bool SchemaExists(string database) =>
        (long)_server.Scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'openmemory'", database)! == 1;

    private List<string> History(string database) => SchemaExists(database)
        ? _server.Rows("SELECT module_name, version, filename, checksum, kind, applied_by, applied_at::text FROM openmemory.schema_migrations ORDER BY version", database)
            .Select(r => string.Join('|', r)).ToList()
        : [];

    // applied_at differs between two runs by nature; everything else must match.
    private static string Comparable(string row) => row[..row.LastIndexOf('|')];

    private List<string> Schema(string database) =>
        _server.Rows("""
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
              FROM information_schema.columns WHERE table_schema = 'openmemory'
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'openmemory'
            UNION ALL
            SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'openmemory'::regnamespace
            ORDER BY 1
            """, database).Select(r => (string)r[0]!).ToList();

    public void Dispose() => _workspace.Dispose();
}
