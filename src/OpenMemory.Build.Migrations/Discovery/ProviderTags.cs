namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>The provider names a file name or a setting may use, mapped to the provider they mean.</summary>
internal static class ProviderTags
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static string? Normalize(string? tag) => tag?.Trim().ToLowerInvariant() switch
    {
        "sqlite" or "sqlite3" => Sqlite,
        "postgres" or "postgresql" or "pg" or "npgsql" => Postgres,
        _ => null,
    };
}
