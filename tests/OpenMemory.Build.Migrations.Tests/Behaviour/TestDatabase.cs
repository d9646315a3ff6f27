using OpenMemory.Build.Migrations.Deploy;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

/// <summary>
/// One database of one provider, as a behaviour suite sees it: options for the engine, SQL run directly (setup,
/// hand edits), a comparable schema and history, and the scripts run by the database's own client.
/// </summary>
public abstract class TestDatabase
{
    public abstract string Provider { get; }

    public abstract MigrationOptions Options(MigrationMode mode = MigrationMode.Apply, string module = "test");

    public abstract void Execute(string sql);

    public abstract long Count(string sql);

    /// <summary>The schema as the provider's own dump shows it.</summary>
    public abstract string Schema();

    /// <summary>Every history row, without the columns that differ between two runs by nature (times, user).</summary>
    public abstract List<string> History();

    /// <summary>Runs a preview script with the provider's client.</summary>
    public abstract ProcessResult RunScript(string path);

    /// <summary>Runs the deploy script that DeployScript wrote into <paramref name="folder"/>.</summary>
    public abstract ProcessResult RunDeployScript(string folder);

    /// <summary>The name of a table as unqualified SQL in a migration reaches it.</summary>
    public abstract string Table(string name);

    /// <summary>Schema and rows of what migrations made, without the history table, for comparing two databases.</summary>
    public abstract string Content();

    /// <summary>Runs another tool's steps with the provider's own client, as that tool would.</summary>
    public abstract ProcessResult ApplyReference(IReadOnlyList<ReferenceStep> steps);

    /// <summary>Holds the module's run lock as another run (or deploy script) would, until disposed.</summary>
    public abstract IDisposable HoldRunLock(string module = "test");

    internal DeployScript.Written WriteDeployScript(MigrationWorkspace workspace, string folder, string module = "test", string? baseline = null) =>
        DeployScript.Write(FileSystemMigrationSource.FromDirectory(workspace.MigrationsFolder),
            WithBaseline(Options(MigrationMode.Apply, module), baseline), folder);

    public static MigrationOptions WithBaseline(MigrationOptions options, string? baseline) => With(options, baseline: baseline);

    /// <summary>A copy of a test's options with a baseline, a rollback target or another mode.</summary>
    public static MigrationOptions With(MigrationOptions options, string? baseline = null, string? target = null, MigrationMode? mode = null, TimeSpan? lockTimeout = null) => new()
    {
        Module = options.Module,
        Provider = options.Provider,
        ConnectionString = options.ConnectionString,
        Schema = options.Schema,
        Mode = mode ?? options.Mode,
        LockTimeout = lockTimeout ?? options.LockTimeout,
        PreviewFile = options.PreviewFile,
        AppRole = options.AppRole,
        BaselineVersion = baseline ?? options.BaselineVersion,
        TargetVersion = target ?? options.TargetVersion,
    };
}

public sealed class SqliteTestDatabase(string path) : TestDatabase
{
    public string Path { get; } = path;

    public override string Provider => "sqlite";

    public override MigrationOptions Options(MigrationMode mode = MigrationMode.Apply, string module = "test") => new()
    {
        Module = module,
        Provider = "sqlite",
        ConnectionString = $"Data Source={Path}",
        Mode = mode,
        LockTimeout = TimeSpan.FromSeconds(60),
        PreviewFile = mode == MigrationMode.Preview ? Path + ".preview.sql" : null,
    };

    public override void Execute(string sql)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var file = Path + ".setup.sql";
        File.WriteAllText(file, sql);
        var result = ProcessRunner.Run("sqlite3", ["-bail", Path, $".read {file}"]);
        File.Delete(file);
        Assert.True(result.Succeeded, result.Output);
    }

    public override long Count(string sql) => SqliteInspector.Count(Path, sql);

    public override string Schema() => string.Join('\n', SqliteInspector.Schema(Path));

    public override List<string> History() => SqliteInspector.HasHistory(Path)
        ? SqliteInspector.Strings(Path, "SELECT module_name || ' ' || version || ' ' || filename || ' ' || checksum || ' ' || kind FROM schema_migrations ORDER BY module_name, version")
        : [];

    public override ProcessResult RunScript(string path) => ProcessRunner.Run("sqlite3", ["-bail", Path, $".read {path}"]);

    public override ProcessResult RunDeployScript(string folder) => ProcessRunner.Run("sh", [System.IO.Path.Combine(folder, "deploy.sqlite.sh"), Path]);

    public override string Table(string name) => name;

    public override string Content() => ForeignFolder.SqliteContent(Path);

    public override ProcessResult ApplyReference(IReadOnlyList<ReferenceStep> steps) => ForeignFolder.ApplyWithSqlite3(Path, steps);

    public override IDisposable HoldRunLock(string module = "test") =>
        new FileStream(Providers.Sqlite.SqliteRunLock.PathFor(Path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}

public sealed class PostgresTestDatabase(PostgresServer server, string database, string schema) : TestDatabase
{
    public string Database { get; } = database;

    public string SchemaName { get; } = schema;

    public PostgresServer Server { get; } = server;

    public string? AppRole { get; init; }

    public override string Provider => "postgres";

    public override MigrationOptions Options(MigrationMode mode = MigrationMode.Apply, string module = "test") => new()
    {
        Module = module,
        Provider = "postgres",
        ConnectionString = Server.ConnectionString(Database),
        Schema = SchemaName,
        AppRole = AppRole,
        Mode = mode,
        LockTimeout = TimeSpan.FromSeconds(60),
        PreviewFile = mode == MigrationMode.Preview ? System.IO.Path.Combine(Server.Root, $"omb-preview-{Database}.sql") : null,
    };

    public override void Execute(string sql) => Server.Execute(sql, Database);

    public override long Count(string sql) => Convert.ToInt64(Server.Scalar(sql, Database), System.Globalization.CultureInfo.InvariantCulture);

    public override string Schema() => Server.PgDump(Database, "--schema-only", "--no-owner");

    public override List<string> History() =>
        (long)Server.Scalar($"SELECT count(*) FROM pg_tables WHERE schemaname = '{SchemaName}' AND tablename = 'schema_migrations'", Database)! == 0
            ? []
            : Server.Rows($"SELECT module_name || ' ' || version || ' ' || filename || ' ' || checksum || ' ' || kind FROM \"{SchemaName}\".schema_migrations ORDER BY module_name, version", Database)
                .Select(r => (string)r[0]!).ToList();

    public override ProcessResult RunScript(string path) => Server.Psql(Database, "-f", path);

    public override ProcessResult RunDeployScript(string folder) => Server.Psql(Database, "-f", System.IO.Path.Combine(folder, "deploy.postgres.sql"));

    public override string Table(string name) => $"\"{SchemaName}\".{name}";

    public override string Content() => ForeignFolder.PostgresContent(Server, Database, SchemaName);

    public override ProcessResult ApplyReference(IReadOnlyList<ReferenceStep> steps) => ForeignFolder.ApplyWithPsql(Server, Database, SchemaName, steps);

    public override IDisposable HoldRunLock(string module = "test")
    {
        var holder = new Npgsql.NpgsqlConnection(Server.ConnectionString(Database));
        holder.Open();
        using var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({Providers.Postgres.AdvisoryLockKey.For("run", SchemaName, module)})", holder);
        command.ExecuteScalar();
        return holder;
    }
}
