using Npgsql;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Migrations.Discovery;
using StartupMigrations;

// Migrates the notes schema at start-up, then uses it.
//   StartupMigrations standalone sqlite|postgres [--verify]   connection string from OMB_APP_DB (pattern 1)
//   StartupMigrations library                                 a library migrates its own schema on the app's pool (pattern 2)
//   StartupMigrations shared-pool                             the app's shared NpgsqlDataSource, schema from OMB_APP_SCHEMA (pattern 3)
var pattern = args.ElementAtOrDefault(0) ?? "standalone";
var provider = args.ElementAtOrDefault(1) is { } p && !p.StartsWith("--", StringComparison.Ordinal) ? p : "sqlite";
var verify = args.Contains("--verify");
var connection = Environment.GetEnvironmentVariable("OMB_APP_DB") ?? "Data Source=data/notes.sqlite";
var schema = Environment.GetEnvironmentVariable("OMB_APP_SCHEMA") ?? "notes";
var logger = new ConsoleLogger();
var migrations = new EmbeddedResourceMigrationSource(typeof(Program).Assembly);

MigrationResult result;
switch (pattern)
{
    case "standalone":
        result = await new Migrator(logger).MigrateAsync(migrations, new MigrationOptions
        {
            Module = "notes",
            Provider = provider,
            ConnectionString = connection,
            Schema = schema,
            Mode = verify ? MigrationMode.Verify : MigrationMode.Apply,
            FailOnPending = verify,
        });
        break;
    case "library":
    {
        await using var pool = NpgsqlDataSource.Create(connection);
        result = await new NotesLibrary(pool).InitializeAsync(logger);
        break;
    }

    case "shared-pool":
    {
        await using var pool = NpgsqlDataSource.Create(connection);
        result = await new Migrator(logger).MigrateAsync(migrations, new MigrationOptions { Module = "notes", Provider = "postgres", DataSource = pool, Schema = schema });
        if (result.Succeeded)
        {
            // The pool is still the application's, and usable.
            await using var command = pool.CreateCommand($"SELECT count(*) FROM \"{schema}\".notes");
            Console.WriteLine($"notes: {await command.ExecuteScalarAsync()}");
        }

        break;
    }

    default:
        Console.Error.WriteLine($"Unknown pattern '{pattern}'. Use standalone, library or shared-pool.");
        return 2;
}

foreach (var failure in result.Errors)
{
    Console.Error.WriteLine(failure);
}

return result.Succeeded ? 0 : 1;
