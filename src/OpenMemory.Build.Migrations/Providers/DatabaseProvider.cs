using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Providers;

/// <summary>What differs between databases: dialect, templating, history SQL, connections, locking and error mapping.</summary>
public abstract class DatabaseProvider
{
    public abstract string Name { get; }

    public abstract SqlDialect Dialect { get; }

    public abstract TemplateScope Scope { get; }

    public abstract HistoryTable History { get; }

    /// <summary>The database in messages, with no password: "SQLite database 'data/x.sqlite'".</summary>
    public abstract string Target { get; }

    /// <summary>Opens a session. Read-only sessions return null when the database does not exist yet.</summary>
    public abstract Task<DatabaseSession?> OpenAsync(bool readOnly, CancellationToken cancellationToken);

    /// <summary>SQL a preview script puts before the migrations of an Apply run (schema and history creation).</summary>
    public abstract IEnumerable<string> PreviewPreamble();

    public abstract string BeginTransactionSql { get; }

    public virtual string CommitSql => "COMMIT;";

    /// <summary>
    /// The SQL to run for a statement, or null to skip it. A provider may emulate syntax its database lacks
    /// (SQLite: ADD COLUMN IF NOT EXISTS), looking at the database through the session when there is one.
    /// </summary>
    public virtual string? Render(SqlStatement statement, DatabaseSession? session) => statement.Text;

    /// <summary>Turns a failure outside a migration's statements into a coded diagnostic, or returns false.</summary>
    public abstract bool TryMapException(Exception exception, out Diagnostics.MigrationDiagnostic diagnostic);
}
