using System.Collections;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Providers;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>
/// The scripts a run is about to apply (or roll back, or write into a deploy script), each prepared (expanded and
/// split) before any of them is used, so that a bad one stops the run with the database untouched. A script that keeps its text stays prepared; one whose set let its
/// text go (<see cref="ScriptText"/>) is prepared again when its turn comes, so a run holds one such text at a time.
/// </summary>
internal sealed class PendingMigrations : IEnumerable<PreparedMigration>
{
    private readonly PreparedMigration?[] _kept;
    private readonly DatabaseProvider _provider;

    private PendingMigrations(IReadOnlyList<MigrationScript> scripts, PreparedMigration?[] kept, DatabaseProvider provider)
    {
        Scripts = scripts;
        _kept = kept;
        _provider = provider;
    }

    public IReadOnlyList<MigrationScript> Scripts { get; }

    public int Count => Scripts.Count;

    public static (PendingMigrations Pending, IReadOnlyList<MigrationDiagnostic> Diagnostics) Prepare(IReadOnlyList<MigrationScript> scripts, DatabaseProvider provider)
    {
        var kept = new PreparedMigration?[scripts.Count];
        var diagnostics = new List<MigrationDiagnostic>();
        for (var i = 0; i < scripts.Count; i++)
        {
            IO.GarbageBound.CheckApplying();
            try
            {
                var prepared = MigrationPreparer.Prepare(scripts[i], provider);
                kept[i] = scripts[i].Body.IsKept ? prepared : null;
            }
            catch (MigrationException e)
            {
                diagnostics.Add(e.Diagnostic);
            }
        }

        return (new PendingMigrations(scripts, kept, provider), diagnostics);
    }

    /// <summary>
    /// Each migration prepared, in order. One prepared again here is the script that was checked: its file must
    /// still have the planned checksum (<see cref="MigrationException"/> with OMB1014 if it was edited since).
    /// </summary>
    public IEnumerator<PreparedMigration> GetEnumerator()
    {
        for (var i = 0; i < Scripts.Count; i++)
        {
            IO.GarbageBound.CheckApplying();
            yield return _kept[i] ?? MigrationPreparer.Prepare(Scripts[i], _provider);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
