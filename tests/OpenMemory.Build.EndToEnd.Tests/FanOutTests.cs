using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>Fan-out through the packed SDK: many tenant schemas in one dotnet build.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class FanOutTests(PackedPackages packages, PostgresFixture postgres)
{
    private readonly PostgresServer _server = postgres.Server;

    [Fact]
    public void Two_hundred_tenant_schemas_times_twenty_migrations_in_one_build_each_end_at_the_same_version()
    {
        using var db = Consumer.WithSdk(packages, "Tenants");
        db.AddMigration("001_items.sql", "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\nINSERT INTO items (name) VALUES ('a'), ('b');");
        for (var i = 2; i <= 20; i++)
        {
            db.AddMigration($"{i:000}_step.sql", $"ALTER TABLE items ADD COLUMN c{i} integer NOT NULL DEFAULT {i};");
        }

        var database = _server.CreateDatabase();
        _server.Execute("CREATE TABLE public.tenants (schema_name text);\nINSERT INTO public.tenants SELECT 'tenant_' || lpad(g::text, 4, '0') FROM generate_series(1, 200) g;", database);
        var environment = new Dictionary<string, string?> { ["OMB_DB"] = _server.ConnectionString(database) };

        var migrate = db.Dotnet(environment, "build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationConnectionStringVariable=OMB_DB",
            "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants", "-p:MigrationReportFile=obj/report.json");

        Assert.True(migrate.Succeeded, migrate.Output);
        Assert.Contains("[MIGRATE] 200 target(s): 200 ok, 0 failed, 0 skipped; 4000 migration(s) applied", migrate.Output);
        Assert.Contains("[MIGRATE] 200/200 tenant_", migrate.Output);
        Assert.Equal(200L, _server.Scalar("SELECT count(DISTINCT table_schema) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'c20'", database));
        Assert.Equal([20L], _server.Rows(
            "SELECT DISTINCT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.schema_migrations WHERE module_name = ''Tenants''', schema_name), false, true, '')))[1]::text::bigint FROM public.tenants", database)
            .Select(r => Convert.ToInt64(r[0])));
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(db.Combine("obj", "report.json")));
        Assert.Equal(200, report.RootElement.GetProperty("targets").GetArrayLength());

        var again = db.Dotnet(environment, "build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationConnectionStringVariable=OMB_DB",
            "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants");
        Assert.True(again.Succeeded, again.Output);
        Assert.Contains("[MIGRATE] 200 target(s): 200 ok, 0 failed, 0 skipped; 0 migration(s) applied", again.Output);
    }
}
