namespace OpenMemory.Build.Migrations.Tests.Behaviour;

public sealed class SqliteReadmeClaims : ReadmeClaims
{
    protected override TestDatabase NewDatabase() => new SqliteTestDatabase(Path.Combine(Workspace.Root, "databases", $"{Guid.NewGuid():N}.sqlite"));
}
