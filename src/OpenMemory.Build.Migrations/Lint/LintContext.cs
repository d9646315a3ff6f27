using System.Security.Cryptography;
using System.Text;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// The state the rules share while they read one migration set in order: the schema facts so far, what the
/// current migration has created, dropped and set, and the findings.
/// </summary>
internal sealed class LintContext
{
    private readonly List<LintFinding> _findings = [];
    private readonly Dictionary<string, int> _seenFingerprints = new(StringComparer.Ordinal);
    private readonly List<(string Table, LintToken At, bool ForeignKeysOn, SqlStatement? Statement)> _droppedTables = [];
    private SourceText? _source;
    // Its text is made only for a finding's fingerprint: most statements have none.
    private SqlStatement? _statement;

    public SchemaFacts Facts { get; } = new();

    public MigrationScript Script { get; private set; } = null!;

    /// <summary>Tables the current migration created (or renamed from one it created): every rule exempts them.</summary>
    public HashSet<string> CreatedHere { get; } = new(StringComparer.Ordinal);

    public bool LockTimeoutSet { get; set; }

    /// <summary>The migration ran <c>PRAGMA foreign_keys = ON</c> itself, in a file that runs outside a transaction.</summary>
    public bool ForeignKeysTurnedOn { get; set; }

    private bool _lockTimeoutReported;

    public IReadOnlyList<LintFinding> Findings => _findings;

    public void BeginMigration(MigrationScript script)
    {
        Script = script;
        _source = null;
        CreatedHere.Clear();
        _droppedTables.Clear();
        LockTimeoutSet = false;
        ForeignKeysTurnedOn = false;
        _lockTimeoutReported = false;
    }

    public void BeginStatement(SqlStatement statement) => _statement = statement;

    public bool IsExisting(string table) => !CreatedHere.Contains(table);

    public void Created(string table)
    {
        CreatedHere.Add(table);
        Facts.DropTable(table);
    }

    /// <summary>A DROP TABLE: destructive only if the migration does not put a table of that name back (a rebuild).</summary>
    public void Dropped(string table, LintToken at)
    {
        var existed = IsExisting(table);
        CreatedHere.Remove(table);
        Facts.DropTable(table);
        if (existed)
        {
            _droppedTables.Add((table, at, ForeignKeysTurnedOn, _statement));
        }
    }

    public void Renamed(string from, string to)
    {
        if (CreatedHere.Remove(from))
        {
            CreatedHere.Add(to);
        }

        Facts.RenameTable(from, to);
    }

    /// <summary>Statements that lock an existing table: the first one in a migration without lock_timeout is reported.</summary>
    public void LocksExistingTable(LintToken at)
    {
        if (!LockTimeoutSet && !_lockTimeoutReported && Script.Text.Length > 0)
        {
            _lockTimeoutReported = true;
            Report(LintRules.LockTimeout, at, "This migration changes an existing table and sets no lock_timeout");
        }
    }

    public void EndMigration(string provider)
    {
        foreach (var (table, at, foreignKeysOn, statement) in _droppedTables)
        {
            _statement = statement;
            if (!CreatedHere.Contains(table))
            {
                Report(LintRules.Drop, at, $"DROP TABLE {table}");
            }
            else if (foreignKeysOn && provider == ProviderTags.Sqlite)
            {
                Report(LintRules.SqliteRebuildWithForeignKeys, at, $"Table {table} is rebuilt after PRAGMA foreign_keys = ON");
            }
        }
    }

    public void Report(LintRule rule, LintToken at, string detail)
    {
        _source ??= new SourceText(Script.Text);
        var (line, column) = _source.Locate(at.Offset);
        var message = $"{detail}: {rule.Danger} {rule.Fix}";
        _findings.Add(new LintFinding(rule.Code, Script.Path, line, column, message, Fingerprint(rule.Code), rule.Severity));
    }

    public void ReportAtLine(LintRule rule, int line, string detail)
    {
        var message = $"{detail}: {rule.Danger} {rule.Fix}";
        _findings.Add(new LintFinding(rule.Code, Script.Path, line, 1, message, Fingerprint(rule.Code + line), rule.Severity));
    }

    // The rule, the file's name and the statement's words: stable while lines above move, and the same on every machine.
    private string Fingerprint(string code)
    {
        var statement = SqlText.CollapseWhitespace(_statement?.Text ?? "");
        var key = $"{code}\n{Path.GetFileName(Script.Path)}\n{statement}";
        var occurrence = _seenFingerprints[key] = _seenFingerprints.GetValueOrDefault(key) + 1;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{key}\n{occurrence}"));
        return Convert.ToHexStringLower(hash)[..16];
    }
}
