namespace OpenMemory.Build.Migrations.Diagnostics;

/// <summary>
/// Every diagnostic the engine can produce, with its code, in one place. Each message says what happened and
/// what to do. Codes are stable: documented in docs/errors.md, never reused for another meaning.
/// </summary>
internal static class Errors
{
    // OMB1xxx: the migration files themselves.
    public static MigrationDiagnostic NoVersionInFileName(string file) => Error("OMB1001",
        $"The file name '{Path.GetFileName(file)}' carries no version. Name migrations like '001_create_users.sql', 'V1__create_users.sql', '1.2.0_create_users.sql' or '20250101120000_create_users.sql'.",
        file);

    public static MigrationDiagnostic DuplicateVersion(string file, string version, string otherFile) => Error("OMB1002",
        $"Version {version} is used by both '{Path.GetFileName(file)}' and '{Path.GetFileName(otherFile)}' in one module. Give one of them a new, higher version.",
        file);

    public static MigrationDiagnostic MissingProviderVariant(string file, string version, string provider) => Error("OMB1003",
        $"Migration {version} has variants for other providers but none for '{provider}'. Add '{VariantName(file, provider)}' or a provider-neutral file.",
        file);

    public static MigrationDiagnostic EmptyMigration(string file) => Error("OMB1004",
        $"The migration '{Path.GetFileName(file)}' is empty or holds only whitespace. Write its SQL, or a comment saying why there is nothing to do (a comment-only file is applied as a no-op), or delete it.",
        file);

    public static MigrationDiagnostic InvalidUtf8(string file, int line, string what) => Error("OMB1005",
        $"The migration '{Path.GetFileName(file)}' is not valid UTF-8: {what}, on line {line}. Save it as UTF-8.",
        file, line);

    public static MigrationDiagnostic UnknownPlaceholder(string file, int line, int column, string placeholder) => Error("OMB1006",
        $"Unknown placeholder '{{{{{placeholder}}}}}'. Known placeholders are '{{{{schema}}}}' and '{{{{tables.NAME}}}}' (NAME a plain identifier).",
        file, line, column);

    public static MigrationDiagnostic MigrationFileNotFound(string file) => Error("OMB1007",
        $"The migration file '{file}' does not exist or cannot be read. Check the Migration items of the project.",
        file);

    public static MigrationDiagnostic UnknownProviderVariant(string file, string tag) => Error("OMB1008",
        $"The file name '{Path.GetFileName(file)}' names the provider '{tag}', which is not known. Use '.sqlite.sql' (or sqlite3) or '.postgres.sql' (or postgresql, pg), or no provider for a file that serves both; files tagged for other databases (mysql, cockroach, mssql, ...) are skipped.",
        file);

    public static MigrationDiagnostic NoMigrations(string? folder) => Warning("OMB1009",
        $"No migration files were found{(folder is null ? "" : $" under '{folder}'")}. Add '.sql' files to the Migrations folder, or set Migration items.");

    public static MigrationDiagnostic UnterminatedSql(string file, int line, string what) => Error("OMB1010",
        $"The migration '{Path.GetFileName(file)}' ends inside {what} that starts on line {line}. Close it.",
        file, line);

    public static MigrationDiagnostic AmbiguousVariant(string file, string otherFile) => Error("OMB1011",
        $"'{Path.GetFileName(file)}' and '{Path.GetFileName(otherFile)}' are both variants of one migration for the same provider. Keep one.",
        file);

    public static MigrationDiagnostic TransactionControlInMigration(string file, int line, string keyword) => Error("OMB1012",
        $"The migration runs '{keyword}' itself, but every migration already runs in its own transaction. Remove it, or put '-- omb:no-transaction' on the first line to run the file outside a transaction.",
        file, line);

    public static MigrationDiagnostic PsqlMetaCommand(string file, int line, int column, string command) => Error("OMB1013",
        $@"'{command}' is a psql command, not SQL: this tool runs SQL statements, not psql scripts. Remove the line (pg_dump's \restrict and \unrestrict lines are skipped by themselves), or turn it into SQL (\connect: migrate that database in a run of its own; \i: make the included file a migration; \set: write the value in place).",
        file, line, column);

    public static MigrationDiagnostic ChangedDuringRun(string file) => Error("OMB1014",
        "The file changed while this build ran: it no longer has the checksum the run checked and planned with, so it was not run. Build again to check and apply the file as it is now.",
        file);

    // OMB2xxx: configuration.
    public static MigrationDiagnostic UnknownProvider(string provider) => Error("OMB2001",
        $"The migration provider '{provider}' is not known. Set MigrationOptions.Provider to 'sqlite' or 'postgres'.");

    public static MigrationDiagnostic InvalidIdentifier(string what, string value) => Error("OMB2002",
        $"The {what} '{Redact(value)}' is not a plain identifier. Use 1 to 63 characters of letters, digits and '_', starting with a letter or '_'.");

    public static MigrationDiagnostic InvalidModuleName(string value) => Error("OMB2003",
        $"The migration module '{Redact(value)}' is not valid. Use 1 to 63 characters of letters, digits, '_', '.' and '-'.");

    public static MigrationDiagnostic MalformedConnectionString(string detail) => Error("OMB2004",
        $"The connection string cannot be read: {detail}. Use 'Key=Value;' pairs or a 'postgresql://user@host:port/database' URL.");

    public static MigrationDiagnostic MissingConnectionString(string provider) => Error("OMB2005",
        $"No connection is configured for '{provider}'. Set MigrationOptions.ConnectionString.");

    public static MigrationDiagnostic PublicSchemaRefused() => Error("OMB2006",
        "Refusing to migrate into the 'public' schema: it is PostgreSQL's default and may hold other applications' tables; it cannot be backed up on its own with 'pg_dump --schema'; and 'DROP SCHEMA public CASCADE' would wreck the whole database. Set MigrationOptions.Schema to a dedicated schema such as 'openmemory', or set MigrationOptions.AllowPublicSchema to true if you really mean it.");

    public static MigrationDiagnostic ConnectionVariableEmpty(string variable) => Error("OMB2007",
        $"The environment variable '{variable}' named by MigrationConnectionStringVariable is not set or empty. Export it before the build.");

    public static MigrationDiagnostic InvalidBaselineVersion(string value) => Error("OMB2008",
        $"MigrationOptions.BaselineVersion '{value}' is not a version. Use a version such as '1.1' or '001'.");

    public static MigrationDiagnostic InvalidMode(string value) => Error("OMB2009",
        $"MigrationMode '{value}' is not known. Use Apply, Preview, Verify, Info, Rollback or Drift.");

    public static MigrationDiagnostic TargetVersionRequired() => Error("OMB2012",
        "A rollback needs MigrationOptions.TargetVersion: the version to return to, e.g. -p:MigrationTargetVersion=1.2.0 (0 rolls back every migration).");

    public static MigrationDiagnostic InvalidTargetVersion(string value) => Error("OMB2013",
        $"MigrationOptions.TargetVersion '{value}' is not a version. Use a version such as '1.2.0' or '004' (0 rolls back every migration).");

    public static MigrationDiagnostic TargetVersionWithApply(string value) => Error("OMB2014",
        $"MigrationOptions.TargetVersion '{value}' is set, but Apply runs every pending migration. Use MigrationOptions.Mode Rollback to return to that version (Preview or Verify to look first), or clear TargetVersion.");

    public static MigrationDiagnostic RollbackNotExplicit() => Error("OMB2015",
        "MigrationMode is Rollback in a build or publish that migrates on its own (MigrateOnBuild or MigrateOnPublish). A rollback is always asked for explicitly: dotnet build -t:MigrateDatabase -p:MigrationMode=Rollback -p:MigrationTargetVersion=...");

    public static MigrationDiagnostic InvalidTargets(string problem) => Error("OMB2016",
        $"The migration targets are not usable: {problem}. Name each target once (MigrationTarget items or the rows of MigrationTargetsQuery), give MigrationMaxParallelism a number of 1 or more, and MigrationTargetShard as i/n with 0 <= i < n.");

    public static MigrationDiagnostic TargetsQueryFailed(string message) => Error("OMB2017",
        $"MigrationTargetsQuery failed on the configured database: {message}. Fix the query: it must return one column, the schema names (on SQLite, the database files) to migrate.");

    public static MigrationDiagnostic InvalidLockTimeout(string value) => Error("OMB2010",
        $"MigrationRunLockTimeout '{value}' is not a number of seconds. Use a whole number such as 60.");

    public static MigrationDiagnostic InvalidHeartbeat(string value) => Error("OMB2011",
        $"MigrationHeartbeatSeconds '{value}' is not a number of seconds. Use a whole number such as 10, or 0 for no heartbeat.");

    // OMB3xxx: history versus files (verify).
    public static MigrationDiagnostic ModifiedAfterApplied(string file, string version, string recorded, string current, bool hasDownSection = false) => Error("OMB3001",
        $"Migration {version} was modified after it was applied: recorded checksum {recorded}, file checksum {current}.{(hasDownSection ? " The checksum covers the whole file, its -- migrate:down section too, so an edit there is a change as well." : "")} Never edit an applied migration: restore the file (e.g. 'git checkout -- {Path.GetFileName(file)}') and put the change in a new migration. In development only, delete its row from schema_migrations to re-run it.",
        file);

    public static MigrationDiagnostic AppliedMigrationMissing(string module, string version, string fileName) => Error("OMB3002",
        $"Migration {version} ('{fileName}') of module '{module}' is recorded as applied but its file is gone. Restore the file; migrations that were applied must stay in the project.");

    public static MigrationDiagnostic OutOfOrder(string file, string version, string highestApplied) => Error("OMB3003",
        $"Migration {version} is pending but its version is lower than the highest applied one ({highestApplied}). Give it a version above {highestApplied}, or set MigrationOptions.AllowOutOfOrder to true to apply it anyway.",
        file);

    public static MigrationDiagnostic PendingNotAllowed(string file, string version) => Error("OMB3004",
        $"Migration {version} is pending and MigrationOptions.FailOnPending is true. Apply it before this gate.",
        file);

    public static MigrationDiagnostic HistoryTableMalformed(string table, string found, string missing, string? tool) => Error("OMB3005",
        (tool is null
            ? $"The history table {table} does not have this tool's columns: it has {found}; it lacks {missing}. If it was changed by hand, restore the missing columns (docs/history-table.md lists them)"
            : $"The history table {table} was created by {tool}, not by this tool: it has {found}; it lacks {missing}. This tool cannot continue that history yet (docs/history-table.md)")
        + "; or migrate into another schema (MigrationOptions.Schema), or another database.");

    public static MigrationDiagnostic FlywayFailedMigration(string table, string? version, string? script) => Error("OMB3007",
        $"{table} records a failed Flyway migration: version {version ?? "(none)"}{(script is null ? "" : $" ({script})")}. Repair it with Flyway first: fix the database by hand, run 'flyway repair', then run this tool again. Nothing was run.");

    public static MigrationDiagnostic RollbackTargetNotApplied(string module, string target) => Error("OMB3008",
        $"Cannot roll back module '{module}' to version {target}: that version is not applied. Use a version the history lists (the Info mode shows them), or 0 to roll back every migration. Nothing was rolled back.");

    public static MigrationDiagnostic RollbackOfBaselined(string module, IReadOnlyList<string> versions) => Error("OMB3009",
        $"Cannot roll back module '{module}' past its baseline: {string.Join(", ", versions)} {(versions.Count == 1 ? "is" : "are")} recorded as baselined, so {(versions.Count == 1 ? "it" : "they")} never ran here and have nothing to undo. Choose a target version at or above the highest baselined version. Nothing was rolled back.");

    public static MigrationDiagnostic RollbackDownScriptsMissing(string file, IReadOnlyList<string> missing) => Error("OMB3010",
        $"Cannot roll back: {missing.Count} migration(s) have no down script: {string.Join(", ", missing)}. Add each as a '.down.sql' file next to its migration (or a '-- migrate:down' section in a dbmate file). Nothing was rolled back.",
        file);

    public static MigrationDiagnostic RollbackDownNeedsNoTransaction(string file, string version, string downFile) => Error("OMB3011",
        $"Cannot roll back migration {version}: it runs outside a transaction, and its down script '{downFile}' runs inside one. Put '-- omb:no-transaction' on the first line of the down script (pop: '.autocommit.down.sql'; dbmate: '-- migrate:down transaction:false'). Nothing was rolled back.",
        file);

    public static MigrationDiagnostic RenamedAppliedMigration(string file, string version, string recordedFile) => Warning("OMB3006",
        $"Migration {version} was applied as '{recordedFile}' and is now named '{Path.GetFileName(file)}'. Its checksum matches, so it is treated as applied.",
        file);

    // OMB4xxx: running against a database.
    public static MigrationDiagnostic MigrationFailed(string file, int line, int column, string version, string databaseMessage) => Error("OMB4001",
        $"Migration {version} failed and was rolled back: {databaseMessage}. Fix the statement; migrations before it stay applied.",
        file, line, column);

    public static MigrationDiagnostic LockTimeout(string target, TimeSpan timeout, string? holder) => Error("OMB4002",
        $"Could not take the migration lock on {target} within {timeout.TotalSeconds:0} s{(holder is null ? "" : $"; it is held by {holder}")}. Another migration run is in progress: wait for it, or raise MigrationOptions.LockTimeout.");

    public static MigrationDiagnostic CannotConnect(string target, string detail) => Error("OMB4003",
        $"Cannot connect to {target}: {detail}. Check host, port and that the server is running.");

    public static MigrationDiagnostic AuthenticationFailed(string target, string user) => Error("OMB4004",
        $"The server at {target} refused the credentials of user '{user}'. Check the user name and password (keep passwords in an environment variable, never in a file).");

    public static MigrationDiagnostic DatabaseMissing(string database, string target) => Error("OMB4005",
        $"The database '{database}' does not exist on {target}. Create it (createdb {database}) or set MigrationOptions.CreateDatabase to true to create it.");

    public static MigrationDiagnostic SchemaMissing(string schema, string user) => Error("OMB4006",
        $"The schema '{schema}' does not exist and user '{user}' may not create it. As a superuser run: CREATE SCHEMA IF NOT EXISTS \"{schema}\" AUTHORIZATION \"{user}\";");

    public static MigrationDiagnostic PermissionDenied(string file, int line, int column, string version, string databaseMessage, string hint) => Error("OMB4007",
        $"Migration {version} needs a privilege the migrating user lacks: {databaseMessage}. {hint}",
        file, line, column);

    public static MigrationDiagnostic DatabaseReadOnly(string database) => Error("OMB4008",
        $"The SQLite database '{database}' is read-only. Make the file and its folder writable by the build user.");

    public static MigrationDiagnostic Cancelled() => Error("OMB4009",
        "The migration run was cancelled. The migration in progress was rolled back; run MigrateDatabase again to finish.");

    public static MigrationDiagnostic DatabaseError(string target, string detail) => Error("OMB4010",
        $"The database at {target} reported an error: {detail}.");

    public static MigrationDiagnostic ConnectTimeout(string target, int seconds) => Error("OMB4011",
        $"No answer from {target} within {seconds} s. Check the host and port, and that no firewall drops the connection.");

    public static MigrationDiagnostic CannotOpenSqlite(string database, string detail) => Error("OMB4012",
        $"Cannot open the SQLite database '{database}': {detail}. Check the database path.");

    public static MigrationDiagnostic AppRoleMissing(string role) => Error("OMB4013",
        $"The application role '{role}' does not exist, so no rights could be granted. As a superuser run: CREATE ROLE \"{role}\" LOGIN PASSWORD '...'; then migrate again.");

    public static MigrationDiagnostic CannotCreateDatabase(string database, string detail) => Error("OMB4014",
        $"The database '{database}' is missing and could not be created: {detail}. Create it as a superuser (createdb {database}), or grant the migrating role CREATEDB.");

    public static MigrationDiagnostic ForeignKeyViolation(string file, string version, string details, bool noTransaction) => Error("OMB4015",
        $"Migration {version} broke foreign keys: {details}. " + (noTransaction
            ? "It ran outside a transaction, so its statements stay in place and it was not recorded: repair the rows by hand, then run again."
            : "It was rolled back; nothing of it stays. A table rebuild must copy every row the other tables point at; delete or fix orphan rows in the migration itself."),
        file);

    public static MigrationDiagnostic NoTransactionMigrationFailed(string file, int line, int column, string version, int completed, int total, string databaseMessage) => Error("OMB4016",
        $"Migration {version} failed at statement {completed + 1} of {total}: {databaseMessage}. It runs outside a transaction (omb:no-transaction), so nothing was rolled back: "
        + (completed == 0 ? "no statement before it had run. " : $"statements 1 to {completed} completed and stay in place. ")
        + "It was not recorded. Make the statements safe to run again (IF NOT EXISTS), or undo the completed ones by hand, then run again.",
        file, line, column);

    public static MigrationDiagnostic RollbackFailed(string file, int line, int column, string version, string message) => Error("OMB4017",
        $"Rolling back migration {version} failed, and that step was undone: {message}. Fix the down script and run the rollback again; the migrations rolled back before it stay rolled back.",
        file, line, column);

    // OMB7xxx: drift, the database against what its applied migrations build.
    public static MigrationDiagnostic DriftPartlyChecked(IReadOnlyList<string> skipped) => Warning("OMB7012",
        $"The database has a baseline that its migration files do not build, so drift was checked only for the objects the applied migrations create: {(skipped.Count == 0 ? "none of them depend on the baseline" : $"{string.Join(", ", skipped)} could not run on a copy without the baseline and {(skipped.Count == 1 ? "is" : "are")} not checked")}. Objects of the baseline itself could not be checked.");

    public static MigrationDiagnostic DriftScratchFailed(string file, int line, int column, string version, string message) => Error("OMB7013",
        $"Drift cannot be checked: applied migration {version} fails on an empty scratch database: {message.TrimEnd('.')}. The migrations no longer build this schema from nothing; fix the migration set (a baseline, or a repair migration) and run Drift again.",
        file, line, column);

    public static MigrationDiagnostic DriftScratchUnavailable(string detail) => Error("OMB7014",
        $"Drift needs a scratch copy to build the expected schema, and none could be made: {detail}. Grant the migrator role CREATEDB, or CREATE on the database (for a temporary schema).");

    // OMB5xxx: lock file and outputs.
    public static MigrationDiagnostic LockFileChanged(string file, string version, string locked, string current, string lockFile) => Error("OMB5001",
        $"Migration {version} changed since it was locked in '{Path.GetFileName(lockFile)}': locked checksum {locked}, file checksum {current}. Restore the file and put the change in a new migration.",
        file);

    public static MigrationDiagnostic LockFileMigrationMissing(string lockFile, int line, string version, string fileName) => Error("OMB5002",
        $"Migration {version} ('{fileName}') is recorded in the lock file but its file is gone. Restore it; locked migrations must stay in the project.",
        lockFile, line);

    public static MigrationDiagnostic LockFileOutOfDate(string lockFile, string detail) => Error("OMB5003",
        $"The lock file is out of date ({detail}). Run a normal 'dotnet build' to update it and commit it.",
        lockFile);

    public static MigrationDiagnostic LockFileUnreadable(string lockFile, int line, string detail) => Error("OMB5004",
        $"The lock file cannot be read: {detail}. Resolve any merge conflict (one line per migration, keep both sides' lines) or delete it and build to recreate it.",
        lockFile, line);

    public static MigrationDiagnostic CannotWriteFile(string file, string detail) => Error("OMB5005",
        $"Cannot write '{file}': {detail}. Check that its folder is writable.",
        file);

    public static MigrationDiagnostic LintBaselineUnreadable(string file, string detail) => Error("OMB5006",
        $"The lint baseline cannot be read: {detail}. Resolve any merge conflict, or delete it and run 'dotnet build -p:MigrationLintUpdateBaseline=true' to write it again.",
        file);

    public static MigrationDiagnostic InvalidLintSetting(string what, string value, string expected) => Error("OMB2018",
        $"{what} '{value}' is not valid: {expected}.");

    public static MigrationDiagnostic Unexpected(string detail) => Error("OMB9999",
        $"Unexpected failure: {detail}. This is a bug in OpenMemory.Build; please report it with this message.");

    private static string VariantName(string file, string provider)
    {
        var name = Path.GetFileName(file);
        var stem = name[..name.IndexOf(".sql", StringComparison.OrdinalIgnoreCase)];
        var dot = stem.LastIndexOf('.');
        var underscore = stem.IndexOf('_');
        if (dot > underscore && underscore >= 0)
        {
            stem = stem[..dot];
        }

        return $"{stem}.{provider}.sql";
    }

    private static string Redact(string value) => value.Length > 80 ? value[..80] + "..." : value;

    private static MigrationDiagnostic Error(string code, string message, string? file = null, int line = 0, int column = 0) =>
        new(code, DiagnosticSeverity.Error, message, file, line, column);

    private static MigrationDiagnostic Warning(string code, string message, string? file = null, int line = 0, int column = 0) =>
        new(code, DiagnosticSeverity.Warning, message, file, line, column);
}
