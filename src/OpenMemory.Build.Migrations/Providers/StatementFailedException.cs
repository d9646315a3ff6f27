namespace OpenMemory.Build.Migrations.Providers;

/// <summary>A statement of a migration failed; the transaction has been rolled back.</summary>
internal sealed class StatementFailedException(
    int statementIndex,
    int positionInStatement,
    string databaseMessage,
    bool permissionDenied,
    Exception inner) : Exception(databaseMessage, inner)
{
    public int StatementIndex { get; } = statementIndex;

    /// <summary>0-based position of the error inside the statement, or 0 when the database does not say.</summary>
    public int PositionInStatement { get; } = positionInStatement;

    /// <summary>The database's message, with its error code (SQLSTATE for PostgreSQL).</summary>
    public string DatabaseMessage { get; } = databaseMessage;

    public bool PermissionDenied { get; } = permissionDenied;
}
