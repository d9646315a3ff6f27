using System.Text;

namespace OpenMemory.Build.Bench;

/// <summary>
/// N synthetic but realistic migrations, valid on SQLite and PostgreSQL alike: tables with indexes, column adds,
/// data inserts and updates, and every tenth a larger script.
/// </summary>
internal static class MigrationGenerator
{
    public static void Write(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        for (var i = 1; i <= count; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"{i:00000}_{Name(i)}.sql"), Sql(i));
        }
    }

    private static string Name(int i) => (i % 10) switch
    {
        7 => "add_column",
        8 => "seed_rows",
        9 => "large_script",
        0 => "backfill",
        _ => "create_table",
    };

    private static string Sql(int i)
    {
        var sql = new StringBuilder();
        switch (i % 10)
        {
            case 7:
                sql.Append($"ALTER TABLE t{i - 1} ADD COLUMN extra_{i} TEXT;\nCREATE INDEX t{i - 1}_extra_{i} ON t{i - 1} (extra_{i});\n");
                break;
            case 8:
                sql.Append($"INSERT INTO t{i - 2} (id, name, created_at, payload) VALUES\n");
                sql.AppendJoin(",\n", Enumerable.Range(1, 50).Select(r => $"  ({r}, 'name {r}', {1700000000 + r}, 'payload for row {r} of migration {i}')"));
                sql.Append(";\n");
                break;
            case 9:
                sql.Append($"-- A larger script: a table with three indexes and 200 rows.\nCREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER, payload TEXT, score REAL);\n");
                sql.Append($"CREATE INDEX t{i}_name ON t{i} (name);\nCREATE INDEX t{i}_created ON t{i} (created_at);\nCREATE INDEX t{i}_score ON t{i} (score);\n");
                sql.Append($"INSERT INTO t{i} (id, name, created_at, payload, score) VALUES\n");
                sql.AppendJoin(",\n", Enumerable.Range(1, 200).Select(r => $"  ({r}, 'name {r}', {1700000000 + r}, 'a somewhat longer payload for row {r}', {r * 0.5})"));
                sql.Append(";\n");
                break;
            case 0:
                sql.Append($"UPDATE t{i - 4} SET payload = 'backfilled' WHERE payload IS NULL;\nCREATE INDEX t{i - 4}_payload ON t{i - 4} (payload);\n");
                break;
            default:
                sql.Append($"CREATE TABLE t{i} (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL,\n  created_at INTEGER,\n  payload TEXT\n);\nCREATE INDEX t{i}_name ON t{i} (name);\n");
                break;
        }

        return sql.ToString();
    }
}
