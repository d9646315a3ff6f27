using Microsoft.Extensions.Logging;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>The [MIGRATE] messages, the same whether a build or an application runs the engine.</summary>
internal sealed class RunLog(ILogger logger)
{
    public void Checking() => logger.LogInformation("[MIGRATE] Checking for pending migrations...");

    public void CurrentVersion(string? version) => logger.LogInformation("[MIGRATE] Current database version: {Version}", version ?? "none");

    public void Running(MigrationScript script) => logger.LogInformation("[MIGRATE] Running migration: {Title}", script.Title);

    public void Completed(MigrationScript script, long milliseconds) =>
        logger.LogInformation("[MIGRATE] Migration {Version} completed successfully ({Milliseconds} ms)", script.Version.Text, milliseconds);

    public void StillRunning(MigrationScript script, int? line, TimeSpan elapsed, string? waiting) =>
        logger.LogInformation("[MIGRATE] Migration {Version} still running after {Seconds} s{Where}{Waiting}", script.Version.Text, (int)elapsed.TotalSeconds,
            line is { } l ? $", statement on line {l} of {script.FileName}" : "", waiting is null ? "" : $"; it {waiting}");

    public void CommentsOnly(MigrationScript script) =>
        logger.LogInformation("[MIGRATE] Migration {Version} ({File}) holds only comments: nothing to run; it is recorded as applied", script.Version.Text, script.FileName);

    public void AppliedElsewhere(MigrationScript script) =>
        logger.LogInformation("[MIGRATE] Migration {Version} was applied by another run meanwhile; skipped", script.Version.Text);

    public void Baselined(int count, string version) =>
        logger.LogInformation("[MIGRATE] Baselined {Count} migration(s) up to version {Version} without running them", count, version);

    public void FoundLegacyHistory(string table, IReadOnlyList<string> versions) =>
        logger.LogInformation("[MIGRATE] Found {Table} from an earlier migration tool (version(s) {Versions}): migrations up to the highest count as applied", table, string.Join(", ", versions));

    public void AllCompleted() => logger.LogInformation("[MIGRATE] All migrations completed");

    public void UpToDate(string? version) =>
        logger.LogInformation("[MIGRATE] No pending migrations: the database is up to date (version {Version})", version ?? "none");

    public void PendingItem(MigrationScript script) => logger.LogInformation("[MIGRATE]   pending: {Title} ({File})", script.Title, script.FileName);

    public void PreviewWritten(int count, string? file) =>
        logger.LogInformation(file is null
            ? "[MIGRATE] Preview: {Count} pending migration(s); nothing was written to the database"
            : "[MIGRATE] Preview: {Count} pending migration(s) written to {File}; nothing was written to the database", count, file);

    public void Verified(int applied, int pending) =>
        logger.LogInformation("[MIGRATE] Verified: {Applied} applied, {Pending} pending; checksums match", applied, pending);

    public void InfoRow(string row) => logger.LogInformation("[MIGRATE] {Row}", row);

    public void InfoDetail(string row) => logger.LogDebug("[MIGRATE] {Row}", row);

    public void Granted(string role) => logger.LogInformation("[MIGRATE] Granted DML rights on the schema to role {Role}", role);
}
