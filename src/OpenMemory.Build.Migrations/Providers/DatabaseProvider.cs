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

    /// <summary>
    /// Starts connecting in the background while the run reads and hashes its files, so that the network and the
    /// server's authentication overlap with that work. No statement runs on the connection and nothing is created:
    /// the next <see cref="OpenAsync"/> takes it over, and <see cref="DropEarlyConnectionAsync"/> closes it when the
    /// run stops before that (a bad file). Providers whose connections cost nothing to open do nothing.
    /// </summary>
    public virtual void BeginConnect(CancellationToken cancellationToken)
    {
    }

    /// <summary>Closes a connection <see cref="BeginConnect"/> started that no session took over.</summary>
    public virtual ValueTask DropEarlyConnectionAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Whether <see cref="OpenAsync"/> and the session's run lock leave everything as it was: no database, folder or
    /// lock file is made. Only then does a run read the database before it knows its files are good.
    /// </summary>
    public abstract bool OpensWithoutChanges(bool readOnly);

    /// <summary>How the preview and deploy scripts of this provider write each migration.</summary>
    internal abstract Scripts.ScriptDialect Script { get; }

    /// <summary>Turns a failure outside a migration's statements into a coded diagnostic, or returns false.</summary>
    public abstract bool TryMapException(Exception exception, out Diagnostics.MigrationDiagnostic diagnostic);
}
