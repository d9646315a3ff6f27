using Npgsql;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Where a run's connection and schema come from, in order: the variable named by MigrationConnectionStringVariable;
/// MigrationConnectionString; for PostgreSQL the OpenMemory variables OM_PG_HOST, OM_PG_PORT, OM_PG_DB, OM_PG_USER,
/// OM_PG_PASSWORD. Secrets read here never pass through MSBuild properties, so no binlog can record them.
/// </summary>
internal static class ConnectionResolver
{
    public static string? ResolveConnectionString(string provider, string? connectionString, string? variable, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(variable))
        {
            var value = environment(variable.Trim());
            return string.IsNullOrWhiteSpace(value) ? throw new MigrationException(Errors.ConnectionVariableEmpty(variable.Trim())) : value;
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        return ProviderTags.Normalize(provider) == ProviderTags.Postgres ? FromOpenMemoryVariables(environment) : null;
    }

    /// <summary>OM_PG_SCHEMA when no schema is set.</summary>
    public static string? ResolveSchema(string? schema, Func<string, string?> environment) =>
        !string.IsNullOrWhiteSpace(schema) ? schema.Trim() : NonEmpty(environment("OM_PG_SCHEMA"));

    public static string? ResolveAppRole(string? role, Func<string, string?> environment) =>
        !string.IsNullOrWhiteSpace(role) ? role.Trim() : NonEmpty(environment("OM_PG_APP_ROLE"));

    public static bool ResolveCreateDatabase(string? value, Func<string, string?> environment) =>
        IsTrue(!string.IsNullOrWhiteSpace(value) ? value : environment("OM_PG_AUTO_CREATE_DB"));

    /// <summary>OM_PG_TABLE names OpenMemory's memories table; it maps <c>{{tables.memories}}</c> unless the map says otherwise.</summary>
    public static IReadOnlyDictionary<string, string> ResolveTableMap(IReadOnlyDictionary<string, string> map, Func<string, string?> environment)
    {
        var table = NonEmpty(environment("OM_PG_TABLE"));
        if (table is null || map.ContainsKey("memories"))
        {
            return map;
        }

        return new Dictionary<string, string>(map) { ["memories"] = table };
    }

    private static string? FromOpenMemoryVariables(Func<string, string?> environment)
    {
        var host = NonEmpty(environment("OM_PG_HOST"));
        var database = NonEmpty(environment("OM_PG_DB"));
        if (host is null && database is null)
        {
            return null;
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = host ?? "localhost" };
        if (NonEmpty(environment("OM_PG_PORT")) is { } port)
        {
            builder.Port = int.TryParse(port, out var number) && number is > 0 and < 65536
                ? number
                : throw new MigrationException(Errors.MalformedConnectionString("OM_PG_PORT is not a port number"));
        }

        builder.Database = database;
        builder.Username = NonEmpty(environment("OM_PG_USER"));
        builder.Password = NonEmpty(environment("OM_PG_PASSWORD"));
        return builder.ConnectionString;
    }

    private static bool IsTrue(string? value) => value?.Trim().ToLowerInvariant() is "true" or "1" or "yes" or "on";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
