using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Providers.Postgres;
using OpenMemory.Build.Migrations.Runner;

namespace OpenMemory.Build.Migrations.Deploy;

/// <summary>
/// An idempotent script that deploys the schema where the build machine cannot reach the database: it applies,
/// with the database's own client, exactly the migrations the target database has not recorded yet, each with its
/// history row in its own transaction. PostgreSQL: a psql script. SQLite: a POSIX sh script driving sqlite3.
/// </summary>
public static class DeployScript
{
    public sealed record Written(string Path, IReadOnlyList<MigrationDiagnostic> Diagnostics)
    {
        public bool Succeeded => !Diagnostics.Any(d => d.IsError);
    }

    public static Written Write(IMigrationSource source, MigrationOptions options, string outputFolder)
    {
        DatabaseProvider provider;
        try
        {
            Identifiers.RequireModule(options.Module);
            provider = ProviderFactory.Create(options, offline: true);
        }
        catch (MigrationException e)
        {
            return new Written("", [e.Diagnostic]);
        }

        var (scripts, diagnostics) = MigrationCatalog.Load(source, provider.Name);
        var (prepared, prepareDiagnostics) = MigrationPreparer.Prepare(scripts, provider);
        var all = diagnostics.Concat(prepareDiagnostics).ToList();
        if (all.Any(d => d.IsError))
        {
            return new Written("", all);
        }

        var entries = prepared.Select(m => (m, new HistoryEntry(options.Module, m.Script.Version.Text, m.Script.FileName, m.Script.Checksum,
            m.Script.Description, AppliedMigration.KindApplied, null))).ToList();
        var (name, text) = provider is PostgresProvider postgres
            ? ("deploy.postgres.sql", PostgresDeployScript.Render(postgres, options.Module, entries))
            : ("deploy.sqlite.sh", SqliteDeployScript.Render(provider, options.Module, entries));
        var path = Path.Combine(outputFolder, name);
        try
        {
            Directory.CreateDirectory(outputFolder);
            File.WriteAllText(path, text);
            if (!OperatingSystem.IsWindows() && name.EndsWith(".sh", StringComparison.Ordinal))
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Written(path, [.. all, Errors.CannotWriteFile(path, e.Message)]);
        }

        return new Written(path, all);
    }
}
