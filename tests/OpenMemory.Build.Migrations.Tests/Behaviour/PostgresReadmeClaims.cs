using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

[Collection(PostgresCollection.Name)]
public sealed class PostgresReadmeClaims(PostgresFixture fixture) : ReadmeClaims
{
    protected override TestDatabase NewDatabase() => new PostgresTestDatabase(fixture.Server, fixture.Server.CreateDatabase(), "app");
}
