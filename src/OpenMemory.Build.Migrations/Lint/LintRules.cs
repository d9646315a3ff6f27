using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>Every lint rule, once. README's rule table and docs/errors.md list the same codes.</summary>
internal static class LintRules
{
    public static readonly LintRule SuppressionWithoutReason = new("OMB6000", "suppression-needs-reason", LintProviders.Both,
        "An '-- omb:disable' comment without a reason, or naming no lint code, turns nothing off.",
        "Write it as '-- omb:disable OMB6003 reason: why this is safe here'.");

    public static readonly LintRule IndexWithoutConcurrently = new("OMB6001", "index-blocks-writes", LintProviders.Postgres,
        "CREATE INDEX blocks every write to the table until the index is built.",
        "Use CREATE INDEX CONCURRENTLY in a migration whose first line is '-- omb:no-transaction'.");

    public static readonly LintRule NoTransactionStatementInTransaction = new("OMB6002", "needs-no-transaction", LintProviders.Postgres,
        "PostgreSQL refuses this statement inside a transaction block, and every migration runs in one, so the migration would fail when it is applied.",
        "Put '-- omb:no-transaction' on the first line of the file, and keep the statement in a file of its own.",
        DiagnosticSeverity.Error);

    public static readonly LintRule RequiredColumn = new("OMB6003", "add-required-column", LintProviders.Postgres,
        "Adding a NOT NULL column without a default fails on a table that has rows, and breaks inserts from the running application that does not know the column.",
        "Add the column nullable (or with a constant DEFAULT), backfill it, then set NOT NULL in a later migration.");

    public static readonly LintRule VolatileDefault = new("OMB6004", "add-column-volatile-default", LintProviders.Postgres,
        "A column added with a volatile default (or as serial, identity or a stored generated column) rewrites the whole table under an ACCESS EXCLUSIVE lock.",
        "Add the column without the default, set the default in a second statement, and backfill existing rows in batches.");

    public static readonly LintRule TypeRewrite = new("OMB6005", "column-type-rewrite", LintProviders.Postgres,
        "Changing a column's type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, unless the new type is binary-compatible.",
        "Add a new column of the new type, backfill it, switch the application over, then drop the old column.");

    public static readonly LintRule SetNotNull = new("OMB6006", "set-not-null-scans", LintProviders.Postgres,
        "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.",
        "First add CHECK (column IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT it (in an earlier migration or statement); PostgreSQL 12+ then sets NOT NULL without a scan.");

    public static readonly LintRule ConstraintWithoutNotValid = new("OMB6007", "constraint-without-not-valid", LintProviders.Postgres,
        "Adding a foreign key or check constraint checks every row while holding a lock that blocks writes.",
        "Add it with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later statement or migration; validation does not block writes.");

    public static readonly LintRule Rename = new("OMB6008", "rename-breaks-running-app", LintProviders.Postgres,
        "Renaming a column or table breaks the running application's queries during a rolling deploy.",
        "Add the new name (a new column kept in sync, or a view), move the application over, and drop the old name in a later release.");

    public static readonly LintRule Drop = new("OMB6009", "destructive-drop", LintProviders.Both,
        "Dropping a column or table destroys its data for good and breaks any running code that still reads it.",
        "Stop using it in the application first, take a backup, then drop it in a later release; suppress with a reason once that is done.");

    public static readonly LintRule ExclusiveLock = new("OMB6010", "exclusive-lock-statement", LintProviders.Postgres,
        "VACUUM FULL, CLUSTER and LOCK TABLE hold a lock that blocks reads or writes for as long as they run.",
        "Run maintenance outside migrations (pg_repack, or a scheduled job), and let the statements that need a lock take their own.");

    public static readonly LintRule LockTimeout = new("OMB6011", "missing-lock-timeout", LintProviders.Postgres,
        "DDL on an existing table waits for its lock behind any long query, and every other query on the table then queues behind it.",
        "Start the migration with SET lock_timeout = '5s' (or SET LOCAL), so it fails fast and can be retried instead of stalling the table.");

    public static readonly LintRule ReindexWithoutConcurrently = new("OMB6012", "reindex-blocks-writes", LintProviders.Postgres,
        "REINDEX blocks writes to the table (and reads that use the index) until it finishes.",
        "Use REINDEX ... CONCURRENTLY (PostgreSQL 12+) in a migration whose first line is '-- omb:no-transaction'.");

    public static readonly LintRule ConstraintBuildsIndex = new("OMB6013", "constraint-builds-index", LintProviders.Postgres,
        "Adding a PRIMARY KEY or UNIQUE constraint builds its index while blocking reads and writes.",
        "Build the index with CREATE UNIQUE INDEX CONCURRENTLY first, then add the constraint with USING INDEX.");

    public static readonly LintRule TransactionControl = new("OMB6014", "transaction-control", LintProviders.Both,
        "The migration already runs in its own transaction, so its own BEGIN, COMMIT or ROLLBACK would end that transaction part way and the migration would fail.",
        "Remove the statement, or put '-- omb:no-transaction' on the first line to run the file outside a transaction.",
        DiagnosticSeverity.Error);

    public static readonly LintRule SqliteAlterRefused = new("OMB6101", "sqlite-alter-table-refused", LintProviders.Sqlite,
        "SQLite refuses this ALTER TABLE form, on every version or on versions older than the one named, so the migration fails where it runs.",
        "Rebuild the table instead: create the new table, copy the rows, drop the old one, rename the new one, and recreate its indexes.");

    public static readonly LintRule SqliteRebuildWithForeignKeys = new("OMB6102", "sqlite-rebuild-foreign-keys-on", LintProviders.Sqlite,
        "The migration turns foreign keys on before it drops a table it rebuilds, so the drop deletes or refuses the rows that reference it.",
        "Leave foreign_keys alone: the engine turns them off around every migration and runs PRAGMA foreign_key_check before commit.");

    public static readonly LintRule SqliteDropIndexedColumn = new("OMB6103", "sqlite-drop-indexed-column", LintProviders.Sqlite,
        "SQLite refuses DROP COLUMN on a column that is indexed, part of a key or unique constraint, or used by a foreign key.",
        "Drop the index first, or rebuild the table without the column.");

    public static IReadOnlyList<LintRule> All { get; } =
    [
        SuppressionWithoutReason, IndexWithoutConcurrently, NoTransactionStatementInTransaction, RequiredColumn, VolatileDefault,
        TypeRewrite, SetNotNull, ConstraintWithoutNotValid, Rename, Drop, ExclusiveLock, LockTimeout, ReindexWithoutConcurrently,
        ConstraintBuildsIndex, TransactionControl, SqliteAlterRefused, SqliteRebuildWithForeignKeys, SqliteDropIndexedColumn,
    ];

    /// <summary>A rule by its code (OMB6001) or its name (index-blocks-writes).</summary>
    public static LintRule? Find(string codeOrName) =>
        All.FirstOrDefault(r => r.Code.Equals(codeOrName, StringComparison.OrdinalIgnoreCase) || r.Name.Equals(codeOrName, StringComparison.OrdinalIgnoreCase));
}
