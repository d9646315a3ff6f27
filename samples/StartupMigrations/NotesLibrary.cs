using Microsoft.Extensions.Logging;
using Npgsql;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Migrations.Discovery;

namespace StartupMigrations;

/// <summary>
/// Pattern 2, a library that owns its schema: given the application's data source, it migrates its own tables into
/// its own schema during initialization, from the migrations embedded in its assembly.
/// </summary>
public sealed class NotesLibrary(NpgsqlDataSource dataSource, string schema = "notes_lib")
{
    public async Task<MigrationResult> InitializeAsync(ILogger logger, CancellationToken cancellationToken = default) =>
        await new Migrator(logger).MigrateAsync(
            new EmbeddedResourceMigrationSource(typeof(NotesLibrary).Assembly),
            new MigrationOptions { Module = "notes", Provider = "postgres", DataSource = dataSource, Schema = schema },
            cancellationToken);
}
