using Microsoft.Data.Sqlite;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

/// <summary>SQLite: one file, no schemas; each migration runs under BEGIN IMMEDIATE, SQLite's own write lock.</summary>
internal sealed class SqliteProvider : DatabaseProvider
{
    private readonly SqliteConnectionStringBuilder _connection;
    private readonly SqliteConnection? _callerConnection;
    private readonly TimeSpan _busyTimeout;

    public SqliteProvider(string connectionString, IReadOnlyDictionary<string, string> tableMap, TimeSpan busyTimeout, SqliteConnection? callerConnection = null)
    {
        _callerConnection = callerConnection;
        _connection = callerConnection is null ? SqliteConnectionParser.Parse(connectionString) : new SqliteConnectionStringBuilder(callerConnection.ConnectionString);
        _busyTimeout = busyTimeout;
        Scope = new TemplateScope(name => tableMap.TryGetValue(name, out var mapped) ? mapped : name, "main");
    }

    public override string Name => "sqlite";

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    public override TemplateScope Scope { get; }

    public override HistoryTable History { get; } = new SqliteHistoryTable();

    public string DatabasePath => _connection.DataSource;

    public bool IsInMemory => DatabasePath is "" or ":memory:" || _connection.Mode == SqliteOpenMode.Memory;

    public override string Target => $"SQLite database '{DatabasePath}'";


    // A read-only run opens an existing file only and takes no lock file; a caller's open connection is opened already.
    public override bool OpensWithoutChanges(bool readOnly) =>
        _callerConnection is not null ? _callerConnection.State == System.Data.ConnectionState.Open
        : readOnly || IsInMemory || File.Exists(DatabasePath) && File.Exists(SqliteRunLock.PathFor(DatabasePath));

    public override async Task<DatabaseSession?> OpenAsync(bool readOnly, CancellationToken cancellationToken)
    {
        if (_callerConnection is not null)
        {
            return await SqliteBorrowedConnection.OpenAsync(this, _callerConnection, readOnly, _busyTimeout, cancellationToken);
        }

        var builder = new SqliteConnectionStringBuilder(_connection.ConnectionString)
        {
            // Pooled connections would keep the file open inside a reused MSBuild node.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(_busyTimeout.TotalSeconds),
        };
        var inMemory = IsInMemory;
        if (readOnly)
        {
            if (!inMemory && !File.Exists(DatabasePath))
            {
                return null;
            }

            // Not SQLite's read-only mode: after a crash the file has a hot journal that only a writable connection can
            // roll back. query_only (below) still refuses every statement that would change the database.
            if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
            {
                builder.Mode = SqliteOpenMode.ReadWrite;
            }
        }
        else if (!inMemory)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(DatabasePath));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }
        }

        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = $"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds};" + (readOnly ? " PRAGMA query_only = ON;" : "");
                pragma.ExecuteNonQuery();
            }
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new MigrationException(Errors.CannotOpenSqlite(DatabasePath, SqliteErrors.Message(e)));
        }

        return new SqliteSession(this, connection, readOnly);
    }

    internal override Scripts.ScriptDialect Script => new SqliteScriptDialect(History);

    public override bool TryMapException(Exception exception, out MigrationDiagnostic diagnostic)
    {
        diagnostic = null!;
        if (exception is not SqliteException e)
        {
            return false;
        }

        diagnostic = e.SqliteErrorCode == SqliteErrors.ReadOnly
            ? Errors.DatabaseReadOnly(DatabasePath)
            : Errors.DatabaseError(Target, SqliteErrors.Message(e));
        return true;
    }
}
