using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Providers.Sqlite;
using OpenMemory.Build.Migrations.Runner;

namespace OpenMemory.Build.Migrations.Providers;

internal static class ProviderFactory
{
    public static DatabaseProvider Create(MigrationOptions options, bool offline = false)
    {
        var name = ProviderTags.Normalize(options.Provider) ?? throw new MigrationException(Errors.UnknownProvider(options.Provider));
        var tableMap = ValidatedTableMap(options.TableMap);
        return name switch
        {
            ProviderTags.Sqlite when options.Connection is Microsoft.Data.Sqlite.SqliteConnection caller =>
                new SqliteProvider("", tableMap, options.LockTimeout, caller),
            ProviderTags.Sqlite => new SqliteProvider(
                options.ConnectionString is { Length: > 0 } connection ? connection
                    : offline ? "Data Source=:memory:"
                    : throw new MigrationException(Errors.MissingConnectionString(name)),
                tableMap, options.LockTimeout),
            _ => Postgres.PostgresProvider.Create(options, tableMap, offline),
        };
    }

    private static IReadOnlyDictionary<string, string> ValidatedTableMap(IReadOnlyDictionary<string, string> map)
    {
        foreach (var (logical, actual) in map)
        {
            Identifiers.Require(logical, "table name");
            Identifiers.Require(actual, "table name");
        }

        return map;
    }
}
