using Microsoft.Data.Sqlite;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

/// <summary>
/// SQLite's procedure for schema changes (sqlite.org/lang_altertable.html): foreign keys off on the connection
/// before the migration's transaction, so that dropping a parent during a table rebuild fires no ON DELETE action;
/// then, before commit, no foreign key may be broken that was not broken before. Apply and both scripts run this SQL.
/// </summary>
internal static class SqliteForeignKeys
{
    /// <summary>Outside the transaction: inside one, SQLite ignores the pragma.</summary>
    public const string Off = "PRAGMA foreign_keys = OFF";

    private const string Violations =
        "SELECT \"table\" AS child, parent, count(*) AS violations FROM pragma_foreign_key_check GROUP BY \"table\", parent";

    /// <summary>Violations the database already had; a migration is not blamed for those (the scripts' form).</summary>
    public static readonly IReadOnlyList<string> ScriptSnapshot =
    [
        "DROP TABLE IF EXISTS temp.omb_foreign_keys_before",
        $"CREATE TEMP TABLE omb_foreign_keys_before AS {Violations}",
    ];

    /// <summary>Child table, parent table and count of each kind of violation the migration added.</summary>
    public const string NewViolations =
        $"SELECT now.child, now.parent, now.violations - coalesce(before.violations, 0) FROM ({Violations}) AS now " +
        "LEFT JOIN temp.omb_foreign_keys_before AS before ON before.child = now.child AND before.parent = now.parent " +
        "WHERE now.violations > coalesce(before.violations, 0)";

    public const string DropSnapshot = "DROP TABLE temp.omb_foreign_keys_before";

    /// <summary>Rows of one child table that point at no row of the parent.</summary>
    private const string OrphanRows = "SELECT rowid FROM pragma_foreign_key_check($child) WHERE parent = $parent LIMIT 5";

    /// <summary>
    /// The check as a script runs it: sqlite3 has no conditionals, so a CHECK constraint fails the statement, and
    /// with -bail the whole transaction, when the migration broke a foreign key.
    /// </summary>
    public static readonly IReadOnlyList<string> ScriptCheck =
    [
        "CREATE TEMP TABLE omb_foreign_key_check (new_foreign_key_violations INTEGER CHECK (new_foreign_key_violations = 0))",
        $"INSERT INTO temp.omb_foreign_key_check SELECT count(*) FROM ({NewViolations})",
        "DROP TABLE temp.omb_foreign_key_check",
        DropSnapshot,
    ];

    /// <summary>Apply's snapshot, kept in memory: violations per (child, parent) before the migration.</summary>
    public static Dictionary<(string Child, string Parent), long> Snapshot(Func<string, SqliteCommand> command)
    {
        var counts = new Dictionary<(string, string), long>();
        using var query = command(Violations);
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return counts;
    }

    /// <summary>
    /// Apply's check: fails the migration (OMB4015, with tables and rowids) when it broke a foreign key; returns the
    /// violations counted after it.
    /// </summary>
    public static Dictionary<(string Child, string Parent), long> Check(Func<string, SqliteCommand> command, PreparedMigration migration, Dictionary<(string Child, string Parent), long> before)
    {
        var after = Snapshot(command);
        var broken = after
            .Select(now => (now.Key.Child, now.Key.Parent, Count: now.Value - before.GetValueOrDefault(now.Key)))
            .Where(b => b.Count > 0)
            .ToList();
        if (broken.Count == 0)
        {
            return after;
        }

        var details = broken.Select(b => $"{b.Count} row(s) of '{b.Child}' point at no row of '{b.Parent}' (rowid {string.Join(", ", OrphanRowIds(command, b.Child, b.Parent))}{(b.Count > 5 ? ", ..." : "")})");
        throw new MigrationException(Errors.ForeignKeyViolation(migration.Script.Path, migration.Script.Id,
            string.Join("; ", details), migration.Script.NoTransaction));
    }

    /// <summary>
    /// Whether a migration needs the check: the database has a foreign key, or the migration declares one. Without
    /// either, no row can point at a missing one, and the check (a scan of every table) is skipped.
    /// </summary>
    public static bool Declares(PreparedMigration migration) =>
        migration.Statements.Any(s => s.Span.Contains("REFERENCES", StringComparison.OrdinalIgnoreCase));

    public static bool AnyInSchema(Func<string, SqliteCommand> command)
    {
        using var query = command("SELECT 1 FROM sqlite_master AS m, pragma_foreign_key_list(m.name) WHERE m.type = 'table' LIMIT 1");
        return query.ExecuteScalar() is not null;
    }

    private static List<string> OrphanRowIds(Func<string, SqliteCommand> command, string child, string parent)
    {
        using var query = command(OrphanRows);
        query.Parameters.AddWithValue("$child", child);
        query.Parameters.AddWithValue("$parent", parent);
        using var reader = query.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.IsDBNull(0) ? "none" : reader.GetValue(0).ToString()!);
        }

        return ids;
    }
}
