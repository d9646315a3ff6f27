using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Providers;

/// <summary>What differs between databases: dialect, templating, history SQL, connections, locking and error mapping.</summary>
internal abstract class DatabaseProvider
{
    public abstract string Name { get; }

    public abstract SqlDialect Dialect { get; }

    public abstract TemplateScope Scope { get; }

    public abstract HistoryTable History { get; }

    /// <summary>The database in messages, with no password: "SQLite database 'data/x.sqlite'".</summary>
    public abstract string Target { get; }

    /// <summary>Opens a session. Read-only sessions return null when the database does not exist yet.</summary>
    public abstract Task<DatabaseSession?> OpenAsync(bool readOnly, CancellationToken cancellationToken);

    /// <summary>How the preview and deploy scripts of this provider write each migration.</summary>
    internal abstract Scripts.ScriptDialect Script { get; }

    /// <summary>Turns a failure outside a migration's statements into a coded diagnostic, or returns false.</summary>
    public abstract bool TryMapException(Exception exception, out Diagnostics.MigrationDiagnostic diagnostic);
}
