using System.IO.Compression;
using System.Text;
using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>
/// A password given the recommended ways never reaches console output at diagnostic verbosity, a binlog, a preview
/// script, a report or the lock file: apply, preview, verify and a failing run alike.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class SecretsTests(PackedPackages packages, PostgresFixture postgres)
{
    private const string Password = "S3cret-p4ss-word-xyzzy";
    private readonly PostgresServer _server = postgres.Server;

    public static TheoryData<string> Forms => ["keyword string in a variable", "URL in a variable", "OM_PG_PASSWORD"];

    [Theory]
    [MemberData(nameof(Forms))]
    public void The_password_appears_in_no_output_of_any_mode(string form)
    {
        var database = _server.CreateDatabase();
        _server.Execute($"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'secret_user') THEN CREATE ROLE secret_user LOGIN SUPERUSER PASSWORD '{Password}'; END IF; END $$");
        using var db = Consumer.WithSdk(packages);
        db.AddMigration("001_init.sql", "CREATE TABLE {{tables.notes}} (id int);");
        var (environment, properties) = Connection(form, database);
        var arguments = new List<string> { "-p:MigrationProvider=postgres", "-p:MigrationSchema=secrets", "-v:diag" };
        arguments.AddRange(properties);

        var outputs = new List<(string What, string Text)>();
        ProcessResult Run(string name, params string[] extra)
        {
            var binlog = db.Combine($"{name}.binlog");
            var result = db.Dotnet(environment, ["build", "-t:MigrateDatabase", $"-bl:{binlog}", .. arguments, .. extra]);
            outputs.Add(($"{name} console", result.Output));
            outputs.Add(($"{name} binlog", Decompressed(binlog)));
            return result;
        }

        var preview = Run("preview", "-p:MigrationMode=Preview");
        Assert.True(preview.Succeeded, preview.Output);
        outputs.Add(("preview script", File.ReadAllText(db.Combine("obj", "migrations", "Db.postgres.preview.sql"))));
        Assert.True(Run("apply").Succeeded, outputs[^2].Text);
        Assert.True(Run("verify", "-p:MigrationMode=Verify").Succeeded, outputs[^2].Text);
        db.AddMigration("002_broken.sql", "SELECT * FROM {{tables.missing}};");
        var failing = Run("failing");
        Assert.False(failing.Succeeded, failing.Output);
        Assert.Contains("error OMB4001", failing.Output);
        outputs.Add(("report", File.ReadAllText(db.Combine("obj", "migrations", "Db.report.json"))));
        outputs.Add(("lock file", File.ReadAllText(db.Combine("migrations.lock.json"))));

        Assert.Equal(1L, _server.Scalar("SELECT count(*) FROM secrets.schema_migrations", database));
        Assert.All(outputs, output => Assert.False(output.Text.Contains(Password, StringComparison.Ordinal), $"the password leaked into the {output.What}"));
        Assert.Contains(outputs, o => o.What == "apply binlog" && o.Text.Contains("MigrateDatabase", StringComparison.Ordinal));
    }

    private (Dictionary<string, string?> Environment, string[] Properties) Connection(string form, string database) => form switch
    {
        "keyword string in a variable" => (
            new() { ["OMB_DB"] = $"Host={_server.Host};Port={_server.Port};Database={database};Username=secret_user;Password={Password}" },
            ["-p:MigrationConnectionStringVariable=OMB_DB"]),
        "URL in a variable" => (
            new() { ["OMB_DB"] = $"postgresql://secret_user:{Password}@{_server.Host}:{_server.Port}/{database}?sslmode=disable" },
            ["-p:MigrationConnectionStringVariable=OMB_DB"]),
        _ => (
            new()
            {
                ["OM_PG_HOST"] = _server.Host, ["OM_PG_PORT"] = _server.Port.ToString(), ["OM_PG_DB"] = database,
                ["OM_PG_USER"] = "secret_user", ["OM_PG_PASSWORD"] = Password,
            },
            []),
    };

    /// <summary>A binlog is a gzip stream; its strings are UTF-8 or UTF-16, so both decodings are searched.</summary>
    private static string Decompressed(string binlog)
    {
        using var input = new GZipStream(File.OpenRead(binlog), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        input.CopyTo(bytes);
        var raw = bytes.ToArray();
        return Encoding.UTF8.GetString(raw) + "\n" + Encoding.Unicode.GetString(raw);
    }

}
