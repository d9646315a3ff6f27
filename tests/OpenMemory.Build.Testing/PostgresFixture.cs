namespace OpenMemory.Build.Testing;

/// <summary>
/// One throwaway cluster for every PostgreSQL test of an assembly (a collection fixture); each test makes its own
/// database in it.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer Server { get; } = PostgresServer.Start();

    public void Dispose() => Server.Dispose();
}
