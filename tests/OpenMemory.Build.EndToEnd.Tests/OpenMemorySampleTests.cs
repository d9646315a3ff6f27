using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>The repository's OpenMemory sample, built as README shows, against PostgreSQL configured the OpenMemory way.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class OpenMemorySampleTests(PostgresFixture postgres)
{
    private readonly PostgresServer _server = postgres.Server;

    private ProcessResult MigrateSample(string database, string schema, string sample = "OpenMemory", params string[] extra) =>
        ProcessRunner.Run("dotnet",
            ["build", RepositoryPaths.Combine("samples", sample, $"{sample}.Database.csproj"), "-t:MigrateDatabase",
             "-p:MigrationProvider=postgres", "-p:OpenMemoryBuildTasksConfiguration=EndToEnd", "-p:MigrationUseLockFile=false", .. extra],
            RepositoryPaths.Root,
            new Dictionary<string, string?>
            {
                ["OM_PG_HOST"] = _server.Host,
                ["OM_PG_PORT"] = _server.Port.ToString(),
                ["OM_PG_DB"] = database,
                ["OM_PG_USER"] = "postgres",
                ["OM_PG_PASSWORD"] = PostgresServer.SuperuserPassword,
                ["OM_PG_SCHEMA"] = schema,
                ["MSBuildExtensionsPath"] = null,
                ["MSBuildSDKsPath"] = null,
                ["MSBUILD_EXE_PATH"] = null,
            },
            TimeSpan.FromMinutes(5));

    [Fact]
    public void The_sample_migrates_a_fresh_database_into_the_openmemory_schema_from_the_om_pg_variables_alone()
    {
        var database = _server.CreateDatabase();

        var result = MigrateSample(database, "openmemory");

        Assert.True(result.Succeeded, result.Output);
        Assert.DoesNotContain(PostgresServer.SuperuserPassword, result.Output);
        Assert.Equal(["1.1.0", "1.2.0", "1.3.0"], _server.Rows("SELECT version FROM openmemory.schema_migrations ORDER BY version", database).Select(r => (string)r[0]!));
        Assert.Equal(
            ["openmemory_embed_logs", "openmemory_memories", "openmemory_memories_fts", "openmemory_stats", "openmemory_users", "openmemory_vectors", "openmemory_waypoints", "schema_migrations"],
            _server.Rows("SELECT tablename FROM pg_tables WHERE schemaname = 'openmemory' ORDER BY 1", database).Select(r => (string)r[0]!));
    }

    [Fact]
    public void After_apply_drift_on_the_sample_is_clean_and_a_hand_made_column_is_one_coded_error()
    {
        var database = _server.CreateDatabase();
        Assert.True(MigrateSample(database, "openmemory").Succeeded);
        var before = _server.PgDump(database, "--no-owner");

        var clean = MigrateSample(database, "openmemory", "OpenMemory", "-p:MigrationMode=Drift");

        Assert.True(clean.Succeeded, clean.Output);
        Assert.Contains("[MIGRATE] No drift: the database matches what its 3 applied migration(s) build", clean.Output);
        Assert.Equal(before, _server.PgDump(database, "--no-owner"));

        _server.Execute("ALTER TABLE openmemory.openmemory_memories ALTER COLUMN user_id TYPE varchar(64)", database);
        var drifted = MigrateSample(database, "openmemory", "OpenMemory", "-p:MigrationMode=Drift");

        Assert.False(drifted.Succeeded);
        Assert.Contains("error OMB7002: column openmemory.openmemory_memories.user_id: migrations say text NULL, database has character varying(64) NULL", drifted.Output);
        Assert.Empty(_server.Rows("SELECT datname FROM pg_database WHERE datname LIKE 'omb\\_drift\\_%'"));
    }

    [Fact]
    public void The_public_schema_fails_with_the_coded_error_and_changes_nothing()
    {
        var database = _server.CreateDatabase();

        var result = MigrateSample(database, "public");

        Assert.False(result.Succeeded, result.Output);
        Assert.Contains("error OMB2006", result.Output);
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')", database));
    }

    [Fact]
    public void The_tenants_sample_brings_every_tenant_schema_to_the_same_version_and_the_llmemory_sample_every_instance()
    {
        var database = _server.CreateDatabase();
        _server.Execute("CREATE TABLE public.tenants (schema_name text);\nINSERT INTO public.tenants VALUES ('tenant_umbrella'), ('tenant_hooli');", database);

        var tenants = MigrateSample(database, "unused", "Tenants", "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants");
        var instances = MigrateSample(database, "unused", "LLMemory", "-p:LLMemoryInstances=llmemory_a llmemory_b");

        Assert.True(tenants.Succeeded, tenants.Output);
        Assert.Contains("[MIGRATE] 5 target(s): 5 ok, 0 failed, 0 skipped; 15 migration(s) applied", tenants.Output);
        foreach (var schema in new[] { "tenant_acme", "tenant_globex", "tenant_initech", "tenant_umbrella", "tenant_hooli" })
        {
            Assert.Equal(["1.1.0", "1.2.0", "1.3.0"], _server.Rows($"SELECT version FROM {schema}.schema_migrations ORDER BY version", database).Select(r => (string)r[0]!));
        }

        Assert.True(instances.Succeeded, instances.Output);
        foreach (var schema in new[] { "llmemory_a", "llmemory_b" })
        {
            Assert.Equal(2L, _server.Scalar($"SELECT count(*) FROM {schema}.schema_migrations WHERE module_name = 'aword_memory'", database));
        }
    }
}
