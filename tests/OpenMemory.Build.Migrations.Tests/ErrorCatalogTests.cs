using System.Reflection;
using System.Text.RegularExpressions;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

public class ErrorCatalogTests
{
    [Fact]
    public void Every_code_is_unique_well_formed_and_documented()
    {
        var source = File.ReadAllText(RepositoryPaths.Combine("src", "OpenMemory.Build.Migrations", "Diagnostics", "Errors.cs"));
        var codes = Regex.Matches(source, @"(?:Error|Warning)\(""(OMB\d{4})""").Select(m => m.Groups[1].Value).ToList();
        var factories = typeof(Errors).GetMethods(BindingFlags.Public | BindingFlags.Static).Count(m => m.ReturnType == typeof(MigrationDiagnostic));

        Assert.Equal(factories, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        var documented = File.ReadAllText(RepositoryPaths.Combine("docs", "errors.md"));
        Assert.All(codes, code => Assert.Contains($"| {code} |", documented));
    }

    [Fact]
    public void Every_lint_rule_is_documented_with_its_danger_and_its_fix_and_listed_in_the_readme()
    {
        var documented = File.ReadAllText(RepositoryPaths.Combine("docs", "errors.md"));
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        var rules = OpenMemory.Build.Migrations.Lint.LintRules.All;
        Assert.Equal(rules.Count, rules.Select(r => r.Code).Distinct().Count());
        Assert.All(rules, rule =>
        {
            Assert.Matches(@"^OMB6\d{3}$", rule.Code);
            Assert.Contains($"| {rule.Code} | {(rule.Severity == DiagnosticSeverity.Error ? "error" : "warning")} | {{finding}} ({rule.Name}", documented);
            Assert.Contains($"{rule.Danger} {rule.Fix} |", documented);
            Assert.Contains($"| {rule.Code}", readme);
        });
    }

    [Fact]
    public void Every_drift_code_is_documented()
    {
        var documented = File.ReadAllText(RepositoryPaths.Combine("docs", "errors.md"));
        var codes = OpenMemory.Build.Migrations.Drift.SchemaKinds.All.Select(OpenMemory.Build.Migrations.Drift.SchemaKinds.Code).Distinct().ToList();
        Assert.Equal(11, codes.Count);
        Assert.All(codes, code => Assert.Contains($"| {code} | error |", documented));
    }

    [Fact]
    public void Diagnostics_render_in_msbuild_canonical_form() =>
        Assert.Equal("/p/1_x.sql(7,3): error OMB4001: boom", new MigrationDiagnostic("OMB4001", DiagnosticSeverity.Error, "boom", "/p/1_x.sql", 7, 3).ToString());
}
