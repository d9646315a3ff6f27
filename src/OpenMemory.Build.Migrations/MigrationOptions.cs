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
    public string? ConnectionString { get => _connectionString; init => _connectionString = value; }

    private string? _connectionString;

    /// <summary>A PostgreSQL data source owned by the caller (shared pool); the engine never disposes it.</summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>A connection owned by the caller; left open and as it was found.</summary>
    public DbConnection? Connection { get; init; }

    /// <summary>PostgreSQL schema for the tables and the history. Refused when <c>public</c> unless <see cref="AllowPublicSchema"/>.</summary>
    public string? Schema { get => _schema; init => _schema = value; }

    private string? _schema;

    public bool AllowPublicSchema { get => _allowPublicSchema; init => _allowPublicSchema = value; }

    private bool _allowPublicSchema;

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
    public string? PreviewFile { get => _previewFile; init => _previewFile = value; }

    private string? _previewFile;

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

    /// <summary>
    /// Where to migrate, when more than one place: each a PostgreSQL schema of the configured database or a
    /// connection of its own, with its own history, lock and templating. Empty: the configured database only.
    /// </summary>
    public IReadOnlyList<MigrationTarget> Targets { get => _targets; init => _targets = value; }

    private IReadOnlyList<MigrationTarget> _targets = [];

    /// <summary>SQL run on the configured database whose rows are schema names to migrate as targets (PostgreSQL).</summary>
    public string? TargetsQuery { get => _targetsQuery; init => _targetsQuery = value; }

    private string? _targetsQuery;

    /// <summary>Targets migrated at once; connections open at once stay within this plus one.</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Stop at the first failing target, leaving targets not yet started untouched.</summary>
    public bool FailFast { get; init; }

    /// <summary>
    /// Drift: objects left out of the comparison, as <c>kind:pattern</c> (<c>table:pg_stat_*</c>, <c>index:tmp_*</c>) or
    /// a bare name pattern for every kind; <c>*</c> and <c>?</c> are wildcards, names are matched without the schema.
    /// </summary>
    public IReadOnlyList<string> DriftIgnore { get; init; } = [];

    /// <summary>"i/n": keep only the targets whose stable name hash falls in shard i of n (0-based).</summary>
    public string? TargetShard { get; init; }

    /// <summary>These options for reading the targets query: the configured database, whatever its schema setting.</summary>
    internal MigrationOptions ForTargetsQuery()
    {
        var copy = (MigrationOptions)MemberwiseClone();
        copy._allowPublicSchema = true;
        copy._targets = [];
        copy._targetsQuery = null;
        return copy;
    }

    /// <summary>
    /// These options for the scratch copy Drift builds: Apply of the applied migrations into <paramref name="connection"/>
    /// or <paramref name="connectionString"/>, in <paramref name="schema"/>, with nothing adopted, baselined or reported.
    /// </summary>
    internal MigrationOptions ForScratch(string? connectionString, DbConnection? connection, NpgsqlDataSource? dataSource, string? schema) => new()
    {
        Module = Module,
        Provider = Provider,
        ConnectionString = connectionString,
        Connection = connection,
        DataSource = dataSource,
        Schema = schema,
        AllowPublicSchema = true,
        TableMap = TableMap,
        AppRole = AppRole,
        LockTimeout = LockTimeout,
        HeartbeatInterval = TimeSpan.Zero,
        Mode = MigrationMode.Apply,
        AllowOutOfOrder = true,
        LegacyHistoryTable = null,
        ConnectTimeoutSeconds = ConnectTimeoutSeconds,
    };

    /// <summary>
    /// The connections a fan-out over schemas of the configured PostgreSQL database lends to its targets' runs, so
    /// that a target reuses a server process instead of starting one; null otherwise.
    /// </summary>
    internal NpgsqlDataSource? TargetPool { get; private set; }

    /// <summary>These options for one target: its schema and connection in place of the configured ones, and no targets.</summary>
    internal MigrationOptions ForTarget(MigrationTarget target, NpgsqlDataSource? pool = null)
    {
        var copy = (MigrationOptions)MemberwiseClone();
        copy.TargetPool = target.ConnectionString is null ? pool : null;
        copy._schema = target.Schema ?? (target.ConnectionString is null ? target.Name : _schema);
        copy._connectionString = target.ConnectionString ?? _connectionString;
        copy._targets = [];
        copy._targetsQuery = null;
        copy._previewFile = _previewFile is null ? null : Path.ChangeExtension(_previewFile, null) + "." + target.Name + Path.GetExtension(_previewFile);
        return copy;
    }
}

/// <summary>
/// One place a fan-out run migrates: by default the PostgreSQL schema named <see cref="Name"/> in the configured
/// database; or a connection of its own (another database, or a SQLite file).
/// </summary>
public sealed record MigrationTarget(string Name)
{
    /// <summary>The schema, when it differs from the name.</summary>
    public string? Schema { get; init; }

    /// <summary>A connection string of its own (never logged).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The name and schema only: a connection string may hold a password.</summary>
    public override string ToString() => ConnectionString is null ? $"{Name} (schema {Schema ?? Name})" : $"{Name} (own connection)";
}
