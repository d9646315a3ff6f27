using Microsoft.Data.Sqlite;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

/// <summary>
/// A caller's connection lent to a run: opened if it was closed (and closed again at the end), its busy_timeout and
/// query_only settings put back as they were. It is never disposed.
/// </summary>
internal static class SqliteBorrowedConnection
{
    public static async Task<SqliteSession> OpenAsync(SqliteProvider provider, SqliteConnection connection, bool readOnly, TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        var wasClosed = connection.State != System.Data.ConnectionState.Open;
        if (wasClosed)
        {
            await connection.OpenAsync(cancellationToken);
        }

        var busy = SqlitePragma.Read(connection, "busy_timeout");
        var queryOnly = SqlitePragma.Read(connection, "query_only");
        SqlitePragma.Read(connection, $"busy_timeout = {(int)busyTimeout.TotalMilliseconds}");
        SqlitePragma.Read(connection, $"query_only = {(readOnly ? 1 : queryOnly)}");
        return new SqliteSession(provider, connection, readOnly, () =>
        {
            SqlitePragma.Read(connection, $"busy_timeout = {busy}");
            SqlitePragma.Read(connection, $"query_only = {queryOnly}");
            if (wasClosed)
            {
                connection.Close();
            }
        });
    }
}
