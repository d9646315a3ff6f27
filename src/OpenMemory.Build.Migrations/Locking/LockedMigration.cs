namespace OpenMemory.Build.Migrations.Locking;

/// <summary>One line of the lock file: a migration file of the module and its checksum.</summary>
internal sealed record LockedMigration(string Version, string File, string Sha256, int Line = 0);
