using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Infrastructure;

/// <summary>One throwaway cluster for all PostgreSQL tests of this assembly; each test makes its own database.</summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer Server { get; } = PostgresServer.Start();

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
