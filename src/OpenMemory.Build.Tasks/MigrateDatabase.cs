using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Reporting;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OpenMemory.Build.Tasks;

/// <summary>Maps MSBuild parameters to engine options and engine results to MSBuild messages; nothing more.</summary>
public sealed class MigrateDatabase : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    public ITaskItem[] Migrations { get; set; } = [];

    [Required]
    public string Provider { get; set; } = "";

    public string? ConnectionString { get; set; }

    public string? ConnectionStringVariable { get; set; }

    [Required]
    public string Module { get; set; } = "";

    public string? Schema { get; set; }

    public bool AllowPublicSchema { get; set; }

    /// <summary>Items whose identity is the logical table name and whose <c>Name</c> metadata is the real one.</summary>
    public ITaskItem[] Tables { get; set; } = [];

    public string? AppRole { get; set; }

    public string? CreateDatabase { get; set; }

    /// <summary>Seconds to wait for the run lock another run holds.</summary>
    [Required]
    public string RunLockTimeout { get; set; } = "";

    [Required]
    public string Mode { get; set; } = "";

    /// <summary>Seconds between the lines a long migration prints while it runs; 0 for none.</summary>
    [Required]
    public string HeartbeatSeconds { get; set; } = "";

    public bool AllowOutOfOrder { get; set; }

    public bool FailOnPending { get; set; }

    public string? PreviewFile { get; set; }

    public string? BaselineVersion { get; set; }

    /// <summary>The version a rollback returns to (Mode Rollback, or Preview or Verify of a rollback).</summary>
    public string? TargetVersion { get; set; }

    /// <summary>
    /// Fan-out targets: each item a PostgreSQL schema (its name, or metadata Schema) of the configured database, or a
    /// database of its own: metadata ConnectionStringVariable (read from the environment), or SqliteDatabase (a file).
    /// </summary>
    public ITaskItem[] Targets { get; set; } = [];

    /// <summary>Drift: MigrationDriftIgnore items, each <c>kind:pattern</c> or a name pattern.</summary>
    public ITaskItem[] DriftIgnore { get; set; } = [];

    /// <summary>SQL whose rows are more targets (schema names; on SQLite, database files).</summary>
    public string? TargetsQuery { get; set; }

    /// <summary>Targets at once; empty for the number of cores.</summary>
    public string? MaxParallelism { get; set; }

    public bool FailFast { get; set; }

    /// <summary>"i/n": this process's shard of the targets.</summary>
    public string? TargetShard { get; set; }

    /// <summary>Set when MigrateOnBuild or MigrateOnPublish runs the task, not the user: a rollback is refused then.</summary>
    public bool RunByBuildOrPublish { get; set; }

    /// <summary>Legacy history table to adopt when the module has none (OpenMemory's schema_version); empty turns it off.</summary>
    public string? LegacyHistoryTable { get; set; }

    /// <summary>Where to write the JSON report of the run; empty for none.</summary>
    public string? ReportFile { get; set; }

    /// <summary>Migrations in the history after the run (applied earlier, baselined, or now).</summary>
    [Output]
    public int AppliedCount { get; set; }

    [Output]
    public int PendingCount { get; set; }

    public void Cancel() => _cancellation.Cancel();

    public override bool Execute()
    {
        if (!TryBuildOptions(out var options))
        {
            return false;
        }

        var source = MSBuildMigrations.Source(Migrations, BuildEngine);
        var result = new Migrator(new MSBuildLogger(Log)).MigrateAsync(source, options, _cancellation.Token).GetAwaiter().GetResult();
        AppliedCount = result.Targets.Count > 0 ? result.Targets.Sum(t => t.Result.RecordedCount) : result.RecordedCount;
        PendingCount = result.Targets.Count > 0 ? result.Targets.Sum(t => t.Result.PendingCount) : result.PendingCount;
        var reported = MSBuildMigrations.Report(Log, result.Diagnostics.Select(WithCommandLineHint));
        return WriteReport(result) && reported;
    }

    // MSBuild splits a -p: value at ';', so "-p:MigrationConnectionString=Host=h;Port=5433" loses everything after
    // the first ';' (it becomes other properties) and the run connects to the wrong place without a word.
    private MigrationDiagnostic WithCommandLineHint(MigrationDiagnostic diagnostic) =>
        diagnostic.Code is "OMB4003" or "OMB4004" or "OMB4005" or "OMB4011" && !string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(ConnectionStringVariable)
            ? diagnostic with { Message = diagnostic.Message + " If the connection string was passed as -p:MigrationConnectionString=... on a command line, MSBuild split it at each ';' and kept only the first part: write ';' as %3B, use a postgresql:// URL, or put it in an environment variable named by MigrationConnectionStringVariable." }
            : diagnostic;

    private bool WriteReport(MigrationResult result)
    {
        if (string.IsNullOrWhiteSpace(ReportFile))
        {
            return true;
        }

        try
        {
            MigrationReport.Write(result, ReportFile);
            return true;
        }
        catch (MigrationException e)
        {
            return MSBuildMigrations.Report(Log, [e.Diagnostic]);
        }
    }

    private bool TryBuildOptions(out MigrationOptions options)
    {
        options = null!;
        try
        {
            var provider = Provider.Trim();
            var tableMap = MSBuildMigrations.TableMap(Tables);
            options = new MigrationOptions
            {
                Module = Module.Trim(),
                Provider = provider,
                ConnectionString = ConnectionResolver.ResolveConnectionString(provider, ConnectionString, ConnectionStringVariable, Environment.GetEnvironmentVariable),
                Schema = ConnectionResolver.ResolveSchema(Schema, Environment.GetEnvironmentVariable),
                AllowPublicSchema = AllowPublicSchema,
                TableMap = ConnectionResolver.ResolveTableMap(tableMap, Environment.GetEnvironmentVariable),
                AppRole = ConnectionResolver.ResolveAppRole(AppRole, Environment.GetEnvironmentVariable),
                CreateDatabase = ConnectionResolver.ResolveCreateDatabase(CreateDatabase, Environment.GetEnvironmentVariable),
                LockTimeout = ParseRunLockTimeout(),
                HeartbeatInterval = ParseHeartbeat(),
                Mode = ParseMode(),
                TargetVersion = string.IsNullOrWhiteSpace(TargetVersion) ? null : TargetVersion.Trim(),
                Targets = [.. Targets.Select(ToTarget)],
                TargetsQuery = string.IsNullOrWhiteSpace(TargetsQuery) ? null : TargetsQuery,
                MaxParallelism = string.IsNullOrWhiteSpace(MaxParallelism) ? Environment.ProcessorCount
                    : int.TryParse(MaxParallelism.Trim(), out var parallelism) ? parallelism : throw new MigrationException(Errors.InvalidTargets($"MaxParallelism '{MaxParallelism}' is not a number")),
                FailFast = FailFast,
                TargetShard = string.IsNullOrWhiteSpace(TargetShard) ? null : TargetShard.Trim(),
                DriftIgnore = [.. DriftIgnore.Select(i => i.ItemSpec)],
                AllowOutOfOrder = AllowOutOfOrder,
                FailOnPending = FailOnPending,
                PreviewFile = string.IsNullOrWhiteSpace(PreviewFile) ? null : PreviewFile,
                BaselineVersion = BaselineVersion,
                LegacyHistoryTable = string.IsNullOrWhiteSpace(LegacyHistoryTable) ? null : LegacyHistoryTable.Trim(),
            };
            return true;
        }
        catch (MigrationException e)
        {
            MSBuildMigrations.Report(Log, [e.Diagnostic]);
            return false;
        }
    }

    private static MigrationTarget ToTarget(ITaskItem item)
    {
        var variable = item.GetMetadata("ConnectionStringVariable");
        var sqlite = item.GetMetadata("SqliteDatabase");
        var schema = item.GetMetadata("Schema");
        return new MigrationTarget(item.ItemSpec.Trim())
        {
            Schema = string.IsNullOrWhiteSpace(schema) ? null : schema.Trim(),
            ConnectionString = !string.IsNullOrWhiteSpace(variable) ? ConnectionResolver.ResolveConnectionString("", null, variable, Environment.GetEnvironmentVariable)
                : !string.IsNullOrWhiteSpace(sqlite) ? $"Data Source={Path.GetFullPath(sqlite.Trim())}"
                : null,
        };
    }

    private TimeSpan ParseRunLockTimeout() =>
        int.TryParse(RunLockTimeout, out var seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds)
        : throw new MigrationException(Errors.InvalidLockTimeout(RunLockTimeout));

    private TimeSpan ParseHeartbeat() =>
        int.TryParse(HeartbeatSeconds, out var seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds)
        : throw new MigrationException(Errors.InvalidHeartbeat(HeartbeatSeconds));

    private MigrationMode ParseMode() =>
        !Enum.TryParse<MigrationMode>(Mode.Trim(), ignoreCase: true, out var mode) || !Enum.IsDefined(mode) ? throw new MigrationException(Errors.InvalidMode(Mode))
        : mode == MigrationMode.Rollback && RunByBuildOrPublish ? throw new MigrationException(Errors.RollbackNotExplicit())
        : mode;
}
