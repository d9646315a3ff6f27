namespace OpenMemory.Build.Migrations.Lint;

/// <summary>What the PostgreSQL rules know about types and functions.</summary>
internal static class PostgresTypes
{
    public static readonly HashSet<string> KnownVolatile = new(StringComparer.OrdinalIgnoreCase)
    {
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
        "clock_timestamp", "timeofday", "nextval", "setseed", "txid_current", "pg_current_xact_id",
    };

    // Defaults evaluated once for the ALTER: PostgreSQL 11+ stores the value and does not rewrite the table.
    public static readonly HashSet<string> KnownStable = new(StringComparer.OrdinalIgnoreCase)
    {
        "now", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp", "transaction_timestamp",
        "statement_timestamp", "current_user", "session_user", "current_setting", "current_schema", "lower", "upper", "coalesce",
        "nullif", "greatest", "least", "array", "row", "cast", "jsonb_build_object", "json_build_object", "jsonb_build_array",
        "json_build_array", "to_jsonb", "to_json", "make_interval", "make_date", "make_timestamp", "make_timestamptz", "concat",
        "length", "abs", "round", "trim", "substring", "replace", "to_timestamp", "to_date", "timezone", "date_trunc",
        "array_fill", "interval", "numeric", "varchar", "char", "timestamp", "timestamptz",
    };

    public static bool IsSerial(string type) => type is "serial" or "bigserial" or "smallserial" or "serial2" or "serial4" or "serial8";

    /// <summary>
    /// True when PostgreSQL changes the type without rewriting the table: varchar to a longer varchar or to text,
    /// numeric to a wider numeric of the same scale, cidr to inet. An unknown old type is not proven safe.
    /// </summary>
    public static bool IsBinaryCompatible(string? before, string after)
    {
        if (before is null)
        {
            return false;
        }

        var (oldBase, oldArgs) = Split(before);
        var (newBase, newArgs) = Split(after);
        if (oldBase == newBase && oldArgs.SequenceEqual(newArgs))
        {
            return true;
        }

        return (oldBase, newBase) switch
        {
            ("varchar" or "text", "text") => true,
            ("varchar" or "text", "varchar") when newArgs.Length == 0 => true,
            ("varchar", "varchar") => oldArgs.Length == 1 && newArgs.Length == 1 && newArgs[0] >= oldArgs[0],
            ("numeric", "numeric") when newArgs.Length == 0 => true,
            ("numeric", "numeric") => oldArgs.Length > 0 && newArgs.Length == oldArgs.Length && newArgs[0] >= oldArgs[0]
                && (oldArgs.Length == 1 || newArgs[1] == oldArgs[1]),
            ("cidr", "inet") => true,
            _ => false,
        };
    }

    private static (string Base, int[] Args) Split(string type)
    {
        var open = type.IndexOf('(');
        var name = (open < 0 ? type : type[..open]).Trim();
        name = name switch
        {
            "character varying" => "varchar",
            "decimal" => "numeric",
            "int" or "int4" => "integer",
            "int8" => "bigint",
            "timestamp with time zone" => "timestamptz",
            _ => name,
        };

        var args = open < 0
            ? []
            : type[(open + 1)..].TrimEnd(')').Split(',').Select(a => int.TryParse(a.Trim(), out var n) ? n : -1).ToArray();
        return (name, args);
    }
}
