using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>Lint from the packed task package, in an ordinary console app: warnings on every plain build, then a baseline.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class LintPackageTests(PackedPackages packages)
{
    [Fact]
    public void A_console_app_with_the_package_warns_on_every_plain_build_until_the_finding_is_baselined()
    {
        using var app = Consumer.ConsoleAppWithPackage(packages, "LintedApp");
        File.WriteAllText(app.ProjectPath, File.ReadAllText(app.ProjectPath).Replace("</Project>",
            "  <PropertyGroup>\n    <MigrationProvider>postgres</MigrationProvider>\n  </PropertyGroup>\n</Project>"));
        app.AddMigration("001_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, status text);");
        var file = app.AddMigration("002_status.sql", "SET lock_timeout = '5s';\n\nCREATE INDEX orders_status ON orders (status);\n");
        var warning = $"{file}(3,1): warning OMB6001: CREATE INDEX on existing table orders without CONCURRENTLY";

        var first = app.Dotnet("build");
        var second = app.Dotnet("build", "--no-restore");

        Assert.True(first.Succeeded, first.Output);
        Assert.Contains(warning, first.Output);
        Assert.True(second.Succeeded, second.Output);
        Assert.Contains(warning, second.Output);

        var baseline = app.Dotnet("build", "--no-restore", "-p:MigrationLintUpdateBaseline=true");
        Assert.True(baseline.Succeeded, baseline.Output);
        Assert.True(File.Exists(app.Combine("migrations.lint-baseline.json")));
        var quiet = app.Dotnet("build", "--no-restore");
        Assert.True(quiet.Succeeded, quiet.Output);
        Assert.DoesNotContain("OMB6001", quiet.Output);

        var strict = app.Dotnet("build", "--no-restore", "-p:MigrationLintBaselineFile=none.json", "-p:TreatWarningsAsErrors=true");
        Assert.False(strict.Succeeded);
        Assert.Contains($"{file}(3,1): error OMB6001", strict.Output);
    }
}
