using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Runner;

namespace OpenMemory.Build.Migrations;

/// <summary>
/// The engine's entry point, shared by the MigrateDatabase MSBuild task and applications that migrate at start-up.
/// Expected failures (bad files, modified migrations, failing SQL, lock time-outs) come back as diagnostics in the
/// result; only programming errors throw.
/// </summary>
public sealed class Migrator(ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public Task<MigrationResult> MigrateAsync(IMigrationSource source, MigrationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        return options.Targets.Count > 0 || !string.IsNullOrWhiteSpace(options.TargetsQuery)
            ? new FanOutRun(source, options, _logger).ExecuteAsync(cancellationToken)
            : new MigrationRun(source, options, new RunLog(_logger)).ExecuteAsync(cancellationToken);
    }

    /// <summary>Migrates the <c>*.sql</c> files under a folder.</summary>
    public Task<MigrationResult> MigrateAsync(string migrationsFolder, MigrationOptions options, CancellationToken cancellationToken = default) =>
        MigrateAsync(FileSystemMigrationSource.FromDirectory(migrationsFolder), options, cancellationToken);
}
