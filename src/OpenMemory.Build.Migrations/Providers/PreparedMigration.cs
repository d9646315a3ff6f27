using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Providers;

/// <summary>A migration expanded and split for one provider, able to locate an error back in its file.</summary>
internal sealed class PreparedMigration(MigrationScript script, ExpandedSql expanded, IReadOnlyList<SqlStatement> statements)
{
    private SourceText? _source;

    public MigrationScript Script { get; } = script;

    public ExpandedSql Expanded { get; } = expanded;

    public IReadOnlyList<SqlStatement> Statements { get; } = statements;

    /// <summary>Line and column in the file as written for a position inside one statement (0-based within it).</summary>
    public (int Line, int Column) Locate(int statementIndex, int positionInStatement)
    {
        _source ??= new SourceText(Script.Text);
        var statement = Statements[Math.Clamp(statementIndex, 0, Statements.Count - 1)];
        // A COPY's position may point into its inline rows, which follow the statement's text.
        var length = statement.CopyData is null ? statement.Length : statement.CopyDataOffset + statement.CopyData.Value.Length - statement.Offset;
        var expandedOffset = statement.Offset + Math.Clamp(positionInStatement, 0, length);
        return _source.Locate(Expanded.ToOriginalOffset(expandedOffset));
    }
}
