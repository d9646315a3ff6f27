namespace OpenMemory.Build.Migrations.IO;

/// <summary>
/// Keeps a long run's garbage from piling up. The collector sizes its youngest generation from the CPU's cache: on a
/// machine that reports hundreds of megabytes of L3 (virtual machines often do), a build process can allocate that much
/// before its first collection, and every megabyte a run reads, splits and sends stays resident to its end.
/// </summary>
internal static class GarbageBound
{
    /// <summary>What a run may allocate between two collections of the young generations.</summary>
    public const long Bytes = 4 << 20;

    /// <summary>What a run that changes the database allocates before the build's own garbage is given back.</summary>
    public const long ReleaseAfter = 1 << 20;

    private static readonly object Gate = new();
    private static long _allocatedThen = -1;
    private static int _collectionsThen;
    private static bool _released;

    /// <summary>
    /// Called by the loops that go through a whole set to check it (splitting and linting every file): once
    /// <see cref="Bytes"/> were allocated since the last collection, it collects the young generations, a millisecond
    /// or two when little survives. A build validates its migrations whenever they change, so this never makes a full
    /// collection of the MSBuild process.
    /// </summary>
    public static void Check() => Check(release: false);

    /// <summary>
    /// Called by the loops of a run that changes the database (preparing the pending migrations, applying them, sending
    /// a large file's batches) or writes the script that would. The first time in the process that such a run has
    /// allocated <see cref="ReleaseAfter"/>, it makes one aggressive full collection, which gives back what the build
    /// allocated before (MSBuild's evaluation, reading the files) and leaves the run's own growth to start from what it
    /// holds; after that, as <see cref="Check()"/>. A run of a few migrations never gets there.
    /// </summary>
    public static void CheckApplying() => Check(release: true);

    /// <summary>
    /// Gives back what the build allocated so far, with an aggressive full collection, after a set too large to keep in
    /// memory (<see cref="Discovery.ScriptText"/>) was read, split and linted whole.
    /// </summary>
    public static void Release()
    {
        lock (Gate)
        {
            Collect(release: true);
        }
    }

    private static void Check(bool release)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = GC.CollectionCount(0);
        lock (Gate)
        {
            if (_allocatedThen < 0 || collections != _collectionsThen)
            {
                // The first look, or the collector ran on its own since the last one: count from here.
                (_allocatedThen, _collectionsThen) = (allocated, collections);
                return;
            }

            var releasing = release && !_released;
            if (allocated - _allocatedThen >= (releasing ? ReleaseAfter : Bytes))
            {
                Collect(releasing);
            }
        }
    }

    private static void Collect(bool release)
    {
        if (release)
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            _released = true;
        }
        else
        {
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        }

        (_allocatedThen, _collectionsThen) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
    }
}
