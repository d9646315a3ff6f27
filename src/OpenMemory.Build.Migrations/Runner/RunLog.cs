using Microsoft.Extensions.Logging;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>
/// The [MIGRATE] messages, the same whether a build or an application runs the engine. Each has a weight: an
/// <see cref="Outcome"/> is what a run did (a line per applied migration, a summary), a <see cref="Step"/> is how
/// it got there, and statement timings are at Debug level. A build shows them at the matching MSBuild verbosity.
/// </summary>
internal sealed class RunLog(ILogger logger)
{
    public static readonly EventId Outcome = new(1, "MigrationOutcome");
    public static readonly EventId Step = new(2, "MigrationStep");
    public static readonly EventId Statement = new(3, "MigrationStatement");
    public static readonly EventId Heartbeat = new(4, "MigrationHeartbeat");

    /// <summary>Whether statement timings are wanted: they cost a round trip per statement on PostgreSQL.</summary>
    public bool WantsStatements => logger.IsEnabled(LogLevel.Debug);

    /// <summary>For runs inside a run (Drift's scratch copy): says nothing.</summary>
    public static RunLog Quiet { get; } = new(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public void DriftSharedWith(IReadOnlyList<string> modules) =>
        logger.LogInformation(Outcome, "[MIGRATE] Module(s) {Modules} keep history here too: only this module's objects are compared, the others' are theirs", string.Join(", ", modules));

    public void DriftChecked(int differences, int objects, int migrations)
    {
        if (differences == 0)
        {
            logger.LogInformation(Outcome, "[MIGRATE] No drift: the database matches what its {Migrations} applied migration(s) build ({Objects} objects compared)", migrations, objects);
        }
        else
        {
            logger.LogInformation(Outcome, "[MIGRATE] Drift: {Differences} difference(s) between the database and what its {Migrations} applied migration(s) build", differences, migrations);
        }
    }

    public void Checking() => logger.LogInformation(Step, "[MIGRATE] Checking for pending migrations...");

    public void CurrentVersion(string? version) => logger.LogInformation(Step, "[MIGRATE] Current database version: {Version}", version ?? "none");

    public void Running(MigrationScript script) => logger.LogInformation(Step, "[MIGRATE] Running migration: {Title}", script.Title);

    public void StatementDone(MigrationScript script, int line, TimeSpan took) =>
        logger.LogDebug(Statement, "[MIGRATE]   {Version}: statement on line {Line} of {File} took {Milliseconds} ms", script.Id, line, script.FileName,
            took.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));

    public void Completed(MigrationScript script, long milliseconds) =>
        logger.LogInformation(Outcome, "[MIGRATE] Migration {Version} completed successfully ({Milliseconds} ms)", script.Id, milliseconds);

    public void StillRunning(MigrationScript script, int? line, TimeSpan elapsed, string? waiting) =>
        logger.LogInformation(Heartbeat, "[MIGRATE] Migration {Version} still running after {Seconds} s{Where}{Waiting}", script.Id, (int)Math.Round(elapsed.TotalSeconds),
            line is { } l ? $", statement on line {l} of {script.FileName}" : "", waiting is null ? "" : $"; it {waiting}");

    public void Catalog(CatalogResult catalog, string provider)
    {
        if (catalog.OtherDatabaseFiles.Count > 0)
        {
            logger.LogInformation(Step, "[MIGRATE] Skipped {Count} file(s) for other databases ({Tags})", catalog.OtherDatabaseFiles.Values.Sum(),
                string.Join(", ", catalog.OtherDatabaseFiles.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}: {t.Value}")));
        }

        if (catalog.OtherProviderOnlyVersions > 0)
        {
            logger.LogInformation(Step, "[MIGRATE] {Count} version(s) have up files only for other providers: they do not exist for {Provider}", catalog.OtherProviderOnlyVersions, provider);
        }

        if (catalog.Placeholders > 0)
        {
            logger.LogInformation(Step, "[MIGRATE] {Count} migration(s) are placeholders (an empty or comment-only up file): they are recorded and run nothing", catalog.Placeholders);
        }

        if (catalog.DownFiles > 0)
        {
            logger.LogInformation(Step, "[MIGRATE] {Count} migration(s) have a down file, run only by a rollback", catalog.DownFiles);
        }
    }

    public void CommentsOnly(MigrationScript script) =>
        logger.LogInformation(Step, "[MIGRATE] Migration {Version} ({File}) holds only comments: nothing to run; it is recorded as applied", script.Id, script.FileName);

    public void AppliedElsewhere(MigrationScript script) =>
        logger.LogInformation(Outcome, "[MIGRATE] Migration {Version} was applied by another run meanwhile; skipped", script.Id);

    public void Baselined(int count, string version) =>
        logger.LogInformation(Outcome, "[MIGRATE] Baselined {Count} migration(s) up to version {Version} without running them", count, version);

    public void FoundLegacyHistory(string table, IReadOnlyList<string> versions) =>
        logger.LogInformation(Outcome, "[MIGRATE] Found {Table} from an earlier migration tool (version(s) {Versions}): migrations up to the highest count as applied", table, string.Join(", ", versions));

    public void AdoptedPgdbm() =>
        logger.LogInformation(Outcome, "[MIGRATE] Adopted pgdbm's schema_migrations: added the columns version, description and kind (nullable), so pgdbm can keep writing to it; its rows count as applied by file name");

    public void FoundFlywayHistory(string table, int count, string version) =>
        logger.LogInformation(Outcome, "[MIGRATE] Found {Table} (Flyway): {Count} applied version(s), so migrations up to {Version} count as applied and are recorded as baselined. Flyway's checksums are CRC32 and cannot be compared with SHA-256: edits made to those files before the switch are not detected", table, count, version);

    public void RollingBack(MigrationScript script) => logger.LogInformation(Step, "[MIGRATE] Rolling back migration: {Title}", script.Title);

    public void RolledBack(MigrationScript script, long milliseconds) =>
        logger.LogInformation(Outcome, "[MIGRATE] Migration {Version} rolled back ({Milliseconds} ms)", script.Id, milliseconds);

    public void RollbackCompleted(int count, string? from, string? to, long milliseconds) =>
        logger.LogInformation(Outcome, "[MIGRATE] Rollback completed: {Count} rolled back in {Milliseconds} ms; database version {From} -> {To}",
            count, milliseconds, from ?? "none", to ?? "none");

    public void RollbackVerified(string target, int count) =>
        logger.LogInformation(Outcome, "[MIGRATE] Verified rollback to {Target}: {Count} migration(s) would be rolled back; every down script is there", target, count);

    public void TargetsFound(int count, int total, string? shard) =>
        logger.LogInformation(Step, "[MIGRATE] {Count} target(s){Shard}", count, shard is null ? "" : $" in shard {shard} (of {total})");

    public void TargetDone(int done, int total, string line) => logger.LogInformation(Outcome, "[MIGRATE] {Done}/{Total} {Line}", done, total, line);

    public void TargetRow(string row, bool detail)
    {
        if (detail)
        {
            logger.LogDebug(Step, "[MIGRATE] {Row}", row);
        }
        else
        {
            logger.LogInformation(Outcome, "[MIGRATE] {Row}", row);
        }
    }

    public void AllCompleted(int applied, string? from, string? to, long milliseconds) =>
        logger.LogInformation(Outcome, "[MIGRATE] All migrations completed: {Applied} applied in {Milliseconds} ms; database version {From} -> {To}",
            applied, milliseconds, from ?? "none", to ?? "none");

    public void UpToDate(string? version) =>
        logger.LogInformation(Outcome, "[MIGRATE] No pending migrations: the database is up to date (version {Version})", version ?? "none");

    public void PendingItem(MigrationScript script) => logger.LogInformation(Outcome, "[MIGRATE]   pending: {Title} ({File})", script.Title, script.FileName);

    public void PreviewWritten(int count, string? file) =>
        logger.LogInformation(Outcome, file is null
            ? "[MIGRATE] Preview: {Count} pending migration(s); nothing was written to the database"
            : "[MIGRATE] Preview: {Count} pending migration(s) written to {File}; nothing was written to the database", count, file);

    public void Verified(int applied, int pending) =>
        logger.LogInformation(Outcome, "[MIGRATE] Verified: {Applied} applied, {Pending} pending; checksums match", applied, pending);

    public void InfoRow(string row) => logger.LogInformation(Outcome, "[MIGRATE] {Row}", row);

    public void InfoDetail(string row) => logger.LogDebug(Step, "[MIGRATE] {Row}", row);

    public void Granted(string role) => logger.LogInformation(Step, "[MIGRATE] Granted DML rights on the schema to role {Role}", role);
}
