using System.Text;
using OpenMemory.Build.Migrations.Checksums;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Bench;

/// <summary>
/// The raw limit: the same files applied by the database's own client (sqlite3 or psql) in one process, one
/// transaction per file, each with one history row, into a history table of the same shape.
/// </summary>
internal static class RawLimit
{
    public static string Script(string folder, bool postgres)
    {
        var sql = new StringBuilder();
        sql.Append(postgres ? "\\set ON_ERROR_STOP on\n" : ".bail on\n");
        sql.Append("""
            CREATE TABLE schema_migrations (module_name TEXT NOT NULL, version TEXT NOT NULL, filename TEXT NOT NULL,
              checksum TEXT NOT NULL, description TEXT, applied_at TEXT NOT NULL, applied_by TEXT,
              execution_time_ms INTEGER NOT NULL DEFAULT 0, kind TEXT NOT NULL DEFAULT 'applied',
              PRIMARY KEY (module_name, version), UNIQUE (module_name, filename));

            """);
        foreach (var file in Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var text = File.ReadAllText(file);
            sql.Append("BEGIN;\n").Append(text.TrimEnd()).Append('\n');
            sql.Append("INSERT INTO schema_migrations (module_name, version, filename, checksum, description, applied_at, applied_by, execution_time_ms, kind) VALUES ('bench', ")
                .Append(SqlLiteral.Quote(name[..name.IndexOf('_')])).Append(", ").Append(SqlLiteral.Quote(name)).Append(", ")
                .Append(SqlLiteral.Quote(MigrationChecksum.Compute(text))).Append(", 'raw', ")
                .Append(postgres ? "now()::text" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").Append(", 'raw', 0, 'applied');\nCOMMIT;\n");
        }

        return sql.ToString();
    }
}
