using System.Net.Sockets;
using Npgsql;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

internal static class PostgresErrors
{
    public const string InvalidCatalogName = "3D000";
    public const string DuplicateDatabase = "42P04";
    public const string InsufficientPrivilege = "42501";
    public const string UndefinedObject = "42704";
    public const string InvalidPassword = "28P01";
    public const string InvalidAuthorization = "28000";
    public const string ActiveSqlTransaction = "25001";

    /// <summary>"relation "x" does not exist (SQLSTATE 42P01)", with the server's detail and hint when it gives them.</summary>
    public static string Message(PostgresException e)
    {
        var message = $"{e.MessageText} (SQLSTATE {e.SqlState})";
        if (!string.IsNullOrEmpty(e.Detail))
        {
            message += $"; detail: {e.Detail}";
        }

        if (!string.IsNullOrEmpty(e.Hint))
        {
            message += $"; hint: {e.Hint}";
        }

        if (e.SqlState == ActiveSqlTransaction)
        {
            message += "; put '-- omb:no-transaction' on the first line of the file to run it outside a transaction";
        }

        return message;
    }

    /// <summary>A failure outside a migration's own statements: connecting, authenticating, the history table.</summary>
    public static MigrationDiagnostic? Map(Exception exception, string target, string user, int connectTimeoutSeconds)
    {
        switch (exception)
        {
            case PostgresException { SqlState: InvalidPassword or InvalidAuthorization }:
                return Errors.AuthenticationFailed(target, user);
            case PostgresException e:
                return Errors.DatabaseError(target, Message(e));
            case NpgsqlException { InnerException: TimeoutException }:
            case TimeoutException:
                return Errors.ConnectTimeout(target, connectTimeoutSeconds);
            case NpgsqlException { InnerException: SocketException socket }:
                return Errors.CannotConnect(target, socket.SocketErrorCode.ToString());
            case NpgsqlException e:
                return Errors.CannotConnect(target, e.InnerException?.Message ?? e.Message);
            case SocketException socket:
                return Errors.CannotConnect(target, socket.SocketErrorCode.ToString());
            default:
                return null;
        }
    }
}
