namespace OpenMemory.Build.Migrations.Tests.Behaviour;

public sealed class SqliteMigrationBehaviour : MigrationBehaviourSuite
{
    protected override TestDatabase NewDatabase() => new SqliteTestDatabase(Path.Combine(Workspace.Root, "databases", $"{Guid.NewGuid():N}.sqlite"));
}
