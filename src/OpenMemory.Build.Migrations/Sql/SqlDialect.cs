namespace OpenMemory.Build.Migrations.Sql;

/// <summary>The lexical rules that decide where one SQL statement ends and the next begins.</summary>
internal sealed record SqlDialect(
    bool DollarQuotedStrings,
    bool EscapeStrings,
    bool NestedBlockComments,
    bool BracketAndBacktickIdentifiers,
    bool TriggerBodies,
    bool ParenthesesHoldStatements,
    bool PsqlMetaCommands)
{
    public static SqlDialect Sqlite { get; } = new(false, false, false, true, true, false, false);

    // psql follows parentheses (CREATE RULE ... DO ALSO (INSERT ...; INSERT ...)) and reads backslash commands.
    public static SqlDialect Postgres { get; } = new(true, true, true, false, false, true, true);
}
