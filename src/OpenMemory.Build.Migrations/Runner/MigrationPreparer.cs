using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>Expands templates and splits statements for every migration about to run, before any of them runs.</summary>
internal static class MigrationPreparer
{
    // Every statement's first word is looked up: as a span, so a data migration's 50,000 INSERTs make no strings here.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> TransactionKeywords =
        new HashSet<string>(["BEGIN", "COMMIT", "ROLLBACK", "END", "START", "ABORT", "SAVEPOINT", "RELEASE"], StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>A word that ends or nests a transaction: refused in a transactional migration, here and by lint.</summary>
    public static bool IsTransactionKeyword(ReadOnlySpan<char> word) => TransactionKeywords.Contains(word);

    /// <summary>
    /// What can be found without a database or a provider's templating (psql commands; unterminated strings, comments
    /// or bodies): splits each script's text as written and returns the scripts that split, with their statements for
    /// lint, and a located error for each that does not. ValidateMigrations runs it on every build.
    /// </summary>
    public static (IReadOnlyList<(MigrationScript Script, IReadOnlyList<SqlStatement> Statements)> Split, IReadOnlyList<MigrationDiagnostic> Diagnostics)
        CheckStatements(IEnumerable<MigrationScript> scripts, string provider)
    {
        var dialect = provider == Discovery.ProviderTags.Postgres ? SqlDialect.Postgres : SqlDialect.Sqlite;
        var split = new List<(MigrationScript, IReadOnlyList<SqlStatement>)>();
        var diagnostics = new List<MigrationDiagnostic>();
        foreach (var script in scripts)
        {
            IO.GarbageBound.Check();
            try
            {
                split.Add((script, SqlScriptSplitter.Split(script.Text, dialect)));
            }
            catch (UnterminatedSqlException e)
            {
                diagnostics.Add(Errors.UnterminatedSql(script.Path, new SourceText(script.Text).Locate(e.Offset).Line, e.What));
            }
            catch (PsqlMetaCommandException e)
            {
                var (line, column) = new SourceText(script.Text).Locate(e.Offset);
                diagnostics.Add(Errors.PsqlMetaCommand(script.Path, line, column, e.Command));
            }
        }

        return (split, diagnostics);
    }

    /// <summary>
    /// Prepares the large scripts on the thread pool, so that a data dump is split on another core while the run
    /// waits for the database (lock, history). <see cref="Prepare(MigrationScript, DatabaseProvider)"/> then finds
    /// a script without placeholders prepared; a script that fails here fails there again, with its error.
    /// </summary>
    public static Task PrepareAheadAsync(IEnumerable<MigrationScript> scripts, DatabaseProvider provider)
    {
        var large = scripts.Where(s => s.Body.Length >= PrepareAheadChars && s.Body.IsKept).ToList();
        return large.Count == 0 ? Task.CompletedTask : Task.Run(() =>
        {
            foreach (var script in large)
            {
                try
                {
                    Prepare(script, provider);
                }
                catch (MigrationException)
                {
                }
            }
        });
    }

    private const int PrepareAheadChars = 1 << 20;

    // A file without placeholders splits the same for every target of a fan-out run: it is prepared once, if its
    // script keeps its text (the statements hold it).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MigrationScript, Prepared> WithoutPlaceholders = new();

    private sealed record Prepared(SqlDialect Dialect, PreparedMigration Migration);

    public static PreparedMigration Prepare(MigrationScript script, DatabaseProvider provider)
    {
        if (WithoutPlaceholders.TryGetValue(script, out var cached) && cached.Dialect == provider.Dialect)
        {
            return cached.Migration;
        }

        var prepared = PrepareUncached(script, provider);
        if (prepared.Expanded.IsUnchanged && script.Body.IsKept)
        {
            WithoutPlaceholders.AddOrUpdate(script, new Prepared(provider.Dialect, prepared));
        }

        return prepared;
    }

    private static PreparedMigration PrepareUncached(MigrationScript script, DatabaseProvider provider)
    {
        var expanded = TemplateExpander.Expand(script.Text, provider.Scope, script.Path);
        IReadOnlyList<SqlStatement> statements;
        try
        {
            statements = SqlScriptSplitter.Split(expanded.Text, provider.Dialect);
        }
        catch (UnterminatedSqlException e)
        {
            var (line, _) = new SourceText(script.Text).Locate(expanded.ToOriginalOffset(e.Offset));
            throw new MigrationException(Errors.UnterminatedSql(script.Path, line, e.What));
        }
        catch (PsqlMetaCommandException e)
        {
            var (line, column) = new SourceText(script.Text).Locate(expanded.ToOriginalOffset(e.Offset));
            throw new MigrationException(Errors.PsqlMetaCommand(script.Path, line, column, e.Command));
        }

        if (script.HeldOutRows is { } rows)
        {
            statements = WithHeldOutRows(script, statements, rows);
        }

        // A file of comments only is a deliberate no-op (a provider variant with nothing to do for that provider):
        // it runs nothing and is recorded. A whitespace-only file is refused earlier (OMB1004).
        var migration = new PreparedMigration(script, expanded, statements);

        if (!script.NoTransaction)
        {
            for (var i = 0; i < statements.Count; i++)
            {
                if (IsTransactionKeyword(statements[i].FirstWord))
                {
                    throw new MigrationException(Errors.TransactionControlInMigration(script.Path, migration.Locate(i, 0).Line, statements[i].FirstKeyword));
                }
            }
        }

        return migration;
    }

    /// <summary>
    /// Gives each COPY its rows held out of the text, in order. The reader made sure that the text as written splits
    /// into exactly these; a template that made or hid a COPY line would break that, and is refused, not guessed at.
    /// </summary>
    private static List<SqlStatement> WithHeldOutRows(MigrationScript script, IReadOnlyList<SqlStatement> statements, IReadOnlyList<CopyRows> rows)
    {
        var attached = new List<SqlStatement>(statements.Count);
        var next = 0;
        foreach (var statement in statements)
        {
            if (statement.CopyData is not { } data)
            {
                attached.Add(statement);
                continue;
            }

            if (next == rows.Count || data.Length != rows[next].Lines || data.Span.ContainsAnyExcept('\n'))
            {
                break;
            }

            attached.Add(statement.WithHeldOutRows(rows[next++].Bytes));
        }

        return next == rows.Count && attached.Count == statements.Count
            ? attached
            : throw new MigrationException(Errors.Unexpected($"the COPY statements of {script.Path} after template expansion are not those of the file as written"));
    }
}
