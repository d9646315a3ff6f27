using OpenMemory.Build.Migrations.IO;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>
/// The garbage a long run may hold. Alone, after the parallel tests: the bound counts what the whole process allocates,
/// and other tests' runs would move it.
/// </summary>
[Collection(Name)]
public class GarbageBoundTests
{
    public const string Name = "Garbage bound (alone)";

    [Fact]
    public void More_than_the_bound_allocated_between_two_checks_is_collected()
    {
        // No collection of the runtime's own in between: the collector would otherwise hide whether the bound collects.
        Assert.True(GC.TryStartNoGCRegion(32 << 20), "The runtime refused a no-GC region.");
        var induced = false;
        try
        {
            GarbageBound.Check();
            var young = GC.CollectionCount(1);

            Allocate(GarbageBound.Bytes + (1 << 20));
            GarbageBound.Check();

            induced = GC.CollectionCount(1) > young;
            Assert.True(induced, "5 MB allocated between two checks were not collected.");
        }
        finally
        {
            // A collection ends the region by itself; ending it again then throws.
            if (!induced)
            {
                GC.EndNoGCRegion();
            }
        }
    }

    [Fact]
    public void A_check_after_little_allocation_collects_nothing()
    {
        GarbageBound.Check();
        var young = GC.CollectionCount(1);

        Allocate(256 << 10);
        GarbageBound.Check();
        GarbageBound.CheckApplying();

        Assert.Equal(young, GC.CollectionCount(1));
    }

    private static void Allocate(long bytes)
    {
        // Arrays below the large object heap's threshold, dropped at once: garbage of the youngest generation.
        for (var total = 0L; total < bytes;)
        {
            total += new byte[64 << 10].Length;
        }
    }
}

[CollectionDefinition(GarbageBoundTests.Name, DisableParallelization = true)]
public class GarbageBoundCollection;
