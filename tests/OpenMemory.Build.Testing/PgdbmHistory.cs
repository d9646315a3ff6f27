using System.Security.Cryptography;
using System.Text;

namespace OpenMemory.Build.Testing;

/// <summary>pgdbm's history table (llmemory's engine) and its inserts, as pgdbm itself writes them.</summary>
public static class PgdbmHistory
{
    /// <summary>pgdbm's own DDL, verbatim but for the schema.</summary>
    public static string CreateTable(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
            id SERIAL PRIMARY KEY,
            filename VARCHAR(255) NOT NULL,
            checksum VARCHAR(64) NOT NULL,
            module_name VARCHAR(100),
            applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            applied_by VARCHAR(100) DEFAULT CURRENT_USER,
            execution_time_ms INTEGER,
            UNIQUE(filename, module_name)
        );
        """;

    /// <summary>The row pgdbm records after running a file.</summary>
    public static string Insert(string schema, string fileName, string module, string checksum) =>
        $"INSERT INTO {schema}.schema_migrations (filename, checksum, module_name, execution_time_ms) VALUES ('{fileName}', '{checksum}', '{module}', 12);";

    /// <summary>pgdbm's checksum: hashlib.sha256(content.encode()).hexdigest() of the file.</summary>
    public static string Checksum(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
