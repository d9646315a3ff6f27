using System.Data.Common;
using Npgsql;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations;

/// <summary>Everything a migration run needs besides its files. Only <see cref="Module"/> has no sensible default.</summary>
public sealed class MigrationOptions
{
    /// <summary>The module whose history rows this run reads and writes; several modules share one database.</summary>
    public required string Module { get; init; }

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; init; } = ProviderTags.Sqlite;

    /// <summary>A connection string or, for PostgreSQL, a <c>postgresql://</c> URL. Not needed with <see cref="DataSource"/> or <see cref="Connection"/>.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>A PostgreSQL data source owned by the caller (shared pool); the engine never disposes it.</summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>A connection owned by the caller; left open and as it was found.</summary>
    public DbConnection? Connection { get; init; }

    /// <summary>PostgreSQL schema for the tables and the history. Refused when <c>public</c> unless <see cref="AllowPublicSchema"/>.</summary>
    public string? Schema { get; init; }

    public bool AllowPublicSchema { get; init; }

    /// <summary>Maps the logical names used in <c>{{tables.NAME}}</c> to real table names.</summary>
    public IReadOnlyDictionary<string, string> TableMap { get; init; } = new Dictionary<string, string>();

    /// <summary>PostgreSQL role that gets DML rights on the schema's objects after a successful apply.</summary>
    public string? AppRole { get; init; }

    public bool CreateDatabase { get; init; }

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>While a migration runs longer, a line every interval says which statement runs and what it waits on; zero turns it off.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    public MigrationMode Mode { get; init; } = MigrationMode.Apply;

    public bool AllowOutOfOrder { get; init; }

    public bool FailOnPending { get; init; }

    /// <summary>Where Preview writes its script; when null, Preview only lists the pending migrations.</summary>
    public string? PreviewFile { get; init; }

    /// <summary>
    /// The version a rollback returns to (<see cref="MigrationMode.Rollback"/>; "0" for none). With Preview or Verify it
    /// previews or checks that rollback instead of the pending migrations.
    /// </summary>
    public string? TargetVersion { get; init; }

    /// <summary>When the module has no history yet, migrations up to this version are recorded as baselined, not run.</summary>
    public string? BaselineVersion { get; init; }

    /// <summary>
    /// A history table written by another tool (OpenMemory's <c>schema_version</c>): when the module has no history yet,
    /// the versions listed there are recorded as baselined and not run. Null or empty turns adoption off.
    /// </summary>
    public string? LegacyHistoryTable { get; init; } = "schema_version";

    /// <summary>Seconds to wait for a server to answer a connection attempt.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 15;
}
