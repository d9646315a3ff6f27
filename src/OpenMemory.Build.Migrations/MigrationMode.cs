namespace OpenMemory.Build.Migrations;

public enum MigrationMode
{
    /// <summary>Verify, then apply every pending migration.</summary>
    Apply,

    /// <summary>Write the SQL that Apply would run to a file; the database is only read.</summary>
    Preview,

    /// <summary>Only check history against the files (the CI gate); the database is only read.</summary>
    Verify,

    /// <summary>Show every migration and its state, as a table; the database is only read and nothing fails.</summary>
    Info,

    /// <summary>
    /// Roll back every applied migration newer than <see cref="MigrationOptions.TargetVersion"/>, newest first, each
    /// with its down script and the removal of its history row in one transaction. Never implied: always asked for.
    /// </summary>
    Rollback,

    /// <summary>
    /// Compare the database with what its applied migrations build, applied to a scratch copy (a temporary database
    /// or schema on PostgreSQL, an in-memory database on SQLite); the database is only read. Each difference is an error.
    /// </summary>
    Drift,
}
