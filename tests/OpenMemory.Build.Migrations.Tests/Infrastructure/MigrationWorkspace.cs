using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Infrastructure;

/// <summary>A temp folder with a Migrations folder and a SQLite database path, and a way to run the engine on them.</summary>
public sealed class MigrationWorkspace : IDisposable
{
    private readonly TempDirectory _directory = new("omb-test");

    public string MigrationsFolder => _directory.Combine("Migrations");

    public string DatabasePath => _directory.Combine("data", "test.sqlite");

    public string Root => _directory.Path;

    public ListLogger Log { get; private set; } = new();

    public string Add(string fileName, string sql) => _directory.Write(Path.Combine("Migrations", fileName), sql);

    public void Remove(string fileName) => File.Delete(Path.Combine(MigrationsFolder, fileName));

    /// <summary>Copies the OpenMemory sample's migrations, optionally only those up to a version.</summary>
    public void AddSampleMigrations(Func<string, bool>? include = null)
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.SampleMigrations, "*.sql"))
        {
            if (include is null || include(Path.GetFileName(file)))
            {
                Add(Path.GetFileName(file), File.ReadAllText(file));
            }
        }
    }

    public string PreviewFile => _directory.Combine("obj", "preview.sql");

    public MigrationOptions SqliteOptions(MigrationMode mode = MigrationMode.Apply, string module = "test") => new()
    {
        Module = module,
        Provider = "sqlite",
        ConnectionString = $"Data Source={DatabasePath}",
        Mode = mode,
        LockTimeout = TimeSpan.FromSeconds(30),
    };

    public MigrationResult Run(MigrationOptions options, Microsoft.Extensions.Logging.LogLevel logLevel = Microsoft.Extensions.Logging.LogLevel.Information)
    {
        Log = new ListLogger(logLevel);
        var result = new Migrator(Log).MigrateAsync(FileSystemMigrationSource.FromDirectory(MigrationsFolder), options).GetAwaiter().GetResult();
        LintReads(options.Provider);
        // Not after a baseline: those fixtures claim a baseline schema they never build, which Drift rightly reports.
        if (result.Succeeded && options.Mode == MigrationMode.Apply && options.Connection is null && options.DataSource is null && options.Targets.Count == 0
            && options.BaselineVersion is null)
        {
            AssertNoDrift(options);
        }

        return result;
    }

    /// <summary>
    /// Lint reads every fixture the tests apply without failing: pg_dump files, other tools' folders, broken files.
    /// With OMB_LINT_FINDINGS set, each finding is appended there, for reviewing lint on the tests' migrations.
    /// </summary>
    private void LintReads(string provider)
    {
        provider = Discovery.ProviderTags.Normalize(provider) ?? Discovery.ProviderTags.Sqlite;
        var catalog = Discovery.MigrationCatalog.LoadWithNotes(FileSystemMigrationSource.FromDirectory(MigrationsFolder), provider);
        var findings = OpenMemory.Build.Migrations.Lint.MigrationLinter.Lint(catalog.Scripts.Concat(catalog.Repeatables), provider);
        if (Environment.GetEnvironmentVariable("OMB_LINT_FINDINGS") is { Length: > 0 } report)
        {
            lock (typeof(MigrationWorkspace))
            {
                File.AppendAllLines(report, findings.Select(f => $"{f.Code}\t{provider}\t{Path.GetFileName(f.File)}({f.Line},{f.Column})\t{f.Message.Split(": ")[0]}\t{File.ReadAllLines(f.File).ElementAtOrDefault(f.Line - 1)?.Trim()}"));
            }
        }
    }

    /// <summary>
    /// Every fixture the tests apply must come out of Drift clean: a successful Apply followed by Drift, on a logger
    /// of its own, leaves the test's log as the test left it. Extensions are left out: test setups create some by
    /// hand before applying, as DBAs do.
    /// </summary>
    private void AssertNoDrift(MigrationOptions applied)
    {
        var drift = new Migrator().MigrateAsync(FileSystemMigrationSource.FromDirectory(MigrationsFolder), new MigrationOptions
        {
            Module = applied.Module,
            Provider = applied.Provider,
            ConnectionString = applied.ConnectionString,
            Schema = applied.Schema,
            AllowPublicSchema = applied.AllowPublicSchema,
            TableMap = applied.TableMap,
            AppRole = applied.AppRole,
            BaselineVersion = applied.BaselineVersion,
            LegacyHistoryTable = applied.LegacyHistoryTable,
            AllowOutOfOrder = applied.AllowOutOfOrder,
            Mode = MigrationMode.Drift,
            DriftIgnore = ["extension:*"],
        }).GetAwaiter().GetResult();
        var errors = drift.Errors.Select(e => e.ToString()).ToList();
        if (errors.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"Drift after a successful Apply is not clean:\n{string.Join('\n', errors)}");
        }
    }

    public MigrationResult RunSqlite(MigrationMode mode = MigrationMode.Apply, string module = "test") => Run(SqliteOptions(mode, module));

    /// <summary>Explains a result in an assertion message: diagnostics and the log.</summary>
    public string Explain(MigrationResult result) =>
        $"diagnostics:\n{string.Join('\n', result.Diagnostics)}\nlog:\n{Log.Text}";

    public void Dispose() => _directory.Dispose();
}
