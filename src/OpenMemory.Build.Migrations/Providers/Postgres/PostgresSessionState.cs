using Npgsql;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>
/// Every migration starts from the same session state, whatever the one before it set (pg_dump's
/// <c>set_config('search_path', '', false)</c>, <c>SET ROLE</c>, timeouts, custom settings): the connection's own
/// defaults, with the configured schema first on the search path and the session's own path after it, so that
/// unqualified names land in that schema and objects in <c>public</c> still resolve. Not DISCARD ALL: that would
/// release the run's advisory lock. Apply runs these statements; the preview and deploy scripts contain them.
/// </summary>
internal static class PostgresSessionState
{
    public static IReadOnlyList<string> ResetFor(string schema)
    {
        var first = SqlLiteral.Quote(SqlLiteral.Identifier(schema));
        var prefixed = SqlLiteral.Quote(SqlLiteral.Identifier(schema) + ", ");
        return
        [
            "RESET SESSION AUTHORIZATION",
            "RESET ROLE",
            "RESET ALL",
            "DO $omb$ BEGIN PERFORM pg_catalog.set_config('search_path', CASE WHEN pg_catalog.current_setting('search_path') = '' THEN "
                + first + " ELSE " + prefixed + " || pg_catalog.current_setting('search_path') END, false); END $omb$",
        ];
    }

    /// <summary>The history row is written as the migrating role, whatever role the migration switched to.</summary>
    public static readonly IReadOnlyList<string> BeforeRecord = ["RESET SESSION AUTHORIZATION", "RESET ROLE"];

    /// <summary>
    /// The settings a caller's connection carries now (its SET commands and role), to put back after the run, so
    /// that a connection handed to the engine comes back as it was.
    /// </summary>
    public static async Task<Func<CancellationToken, Task>> CaptureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var settings = new List<(string Name, string Value)>();
        await using (var command = new NpgsqlCommand(
            "SELECT name, setting FROM pg_catalog.pg_settings WHERE source = 'session' AND name NOT IN ('role', 'session_authorization', 'transaction_isolation', 'transaction_read_only', 'transaction_deferrable')",
            connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                settings.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        string? role;
        await using (var command = new NpgsqlCommand("SELECT CASE WHEN current_user <> session_user THEN current_user::text END", connection))
        {
            role = await command.ExecuteScalarAsync(cancellationToken) as string;
        }

        return async token =>
        {
            var restore = new List<string> { "RESET SESSION AUTHORIZATION", "RESET ROLE", "RESET ALL" };
            restore.AddRange(settings.Select(s => $"SELECT pg_catalog.set_config({SqlLiteral.Quote(s.Name)}, {SqlLiteral.Quote(s.Value)}, false)"));
            if (role is not null)
            {
                restore.Add($"SET ROLE {SqlLiteral.Identifier(role)}");
            }

            await using var batch = new NpgsqlBatch(connection);
            foreach (var sql in restore)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
            }

            await batch.ExecuteNonQueryAsync(token);
        };
    }
}
