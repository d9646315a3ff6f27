using Npgsql;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>OpenMemory's least-privilege model: the application role gets DML on the schema's objects, and reads the history.</summary>
internal static class PostgresGrants
{
    public static async Task GrantAsync(NpgsqlConnection connection, string schema, string role, string historyTable, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            foreach (var sql in Statements(SqlLiteral.Identifier(schema), SqlLiteral.Identifier(role), historyTable))
            {
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrors.UndefinedObject)
        {
            throw new MigrationException(Errors.AppRoleMissing(role));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>DML on every table and sequence, now and for objects created later; the history stays read-only to the app.</summary>
    public static IEnumerable<string> Statements(string schema, string grantee, string historyTable) =>
    [
        $"GRANT USAGE ON SCHEMA {schema} TO {grantee}",
        $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
        $"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
        $"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {grantee}",
        $"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {grantee}",
        $"REVOKE INSERT, UPDATE, DELETE ON {historyTable} FROM {grantee}",
    ];
}
