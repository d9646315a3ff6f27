namespace OpenMemory.Build.Migrations;

/// <summary>
/// One way the database differs from what its applied migrations build: an object the migrations create that the
/// database lacks (<see cref="Actual"/> null), one the database has that the migrations never create
/// (<see cref="Expected"/> null), or one defined differently.
/// </summary>
public sealed record DriftDifference(string Code, string Kind, string Name, string? Expected, string? Actual)
{
    public override string ToString() =>
        $"{Kind} {Name}: migrations say {Expected ?? "it does not exist"}, database has {Actual ?? "none"}";
}
