using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
