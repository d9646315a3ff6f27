using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Lint;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>
/// Lint's figures: findings over generated real-world sets against what their construction says they hold (false
/// positives and negatives), agreement with squawk on the lint corpus, and what lint adds to a plain build of
/// 2,000 migrations. They replace their own block in RESULTS.md.
/// </summary>
internal static class LintLoad
{
    private const string Begin = "<!-- lint -->";
    private const string End = "<!-- /lint -->";

    // squawk's rules that say what one of ours says; squawk rules with no counterpart are left out of the comparison.
    private static readonly Dictionary<string, string> SquawkToOurs = new()
    {
        ["require-concurrent-index-creation"] = "OMB6001",
        ["ban-concurrent-index-creation-in-transaction"] = "OMB6002",
        ["adding-required-field"] = "OMB6003",
        ["adding-field-with-default"] = "OMB6004",
        ["changing-column-type"] = "OMB6005",
        ["adding-not-nullable-field"] = "OMB6006",
        ["constraint-missing-not-valid"] = "OMB6007",
        ["adding-foreign-key-constraint"] = "OMB6007",
        ["renaming-column"] = "OMB6008",
        ["renaming-table"] = "OMB6008",
        ["ban-drop-column"] = "OMB6009",
        ["ban-drop-table"] = "OMB6009",
        ["require-lock-timeout"] = "OMB6011",
        ["disallowed-unique-constraint"] = "OMB6013",
        ["adding-serial-primary-key-field"] = "OMB6013",
        ["require-concurrent-reindex"] = "OMB6012",
        ["transaction-nesting"] = "OMB6014",
    };

    public static void Measure(string work, string buildFolder, string tasksAssembly, int migrations, int reps, string output)
    {
        var text = new StringBuilder();
        text.AppendLine(Begin);
        text.AppendLine("### Lint");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores.");
        text.AppendLine();
        FalsePositives(work, text);
        Squawk(work, text);
        Overhead(work, buildFolder, tasksAssembly, migrations, reps, text);
        text.Append(End);
        ResultsBlock.Write(output, Begin, End, text.ToString());
    }

    // Each generated set's construction says which findings it holds: anything else is a false positive, anything missing a false negative.
    private static void FalsePositives(string work, StringBuilder text)
    {
        text.AppendLine("**Findings on generated real-world sets, against what each set is built to hold.**");
        text.AppendLine();
        text.AppendLine("| set | migrations | findings | expected | false positives | false negatives |");
        text.AppendLine("|---|---|---|---|---|---|");

        var service = Path.Combine(work, "lint-service");
        RealWorldShapes.PostgresService(service, 300);
        Row(text, "PostgreSQL service changes", service, "postgres", ServiceExpected);

        var rebuilds = Path.Combine(work, "lint-rebuilds");
        RealWorldShapes.SqliteRebuilds(rebuilds, 500);
        Row(text, "SQLite table rebuilds with rows and foreign keys", rebuilds, "sqlite", _ => []);

        foreach (var sample in new[] { "OpenMemory", "LLMemory", "StartupMigrations" })
        {
            foreach (var provider in new[] { "sqlite", "postgres" })
            {
                var folder = RepositoryPaths.Combine("samples", sample, "Migrations");
                if (sample == "LLMemory" && provider == "sqlite")
                {
                    continue;
                }

                Row(text, $"samples/{sample} ({provider})", folder, provider, null);
            }
        }

        text.AppendLine();
    }

    // Per 12-step cycle of RealWorldShapes.PostgresService: which steps change an existing table, which build an index, which rewrite.
    private static IEnumerable<string> ServiceExpected(int step) => ((step - 1) % 12) switch
    {
        1 or 5 or 6 or 10 => ["OMB6011"],
        3 or 11 => ["OMB6001", "OMB6011"],
        4 => ["OMB6005", "OMB6011"],
        _ => [],
    };

    private static void Row(StringBuilder text, string name, string folder, string provider, Func<int, IEnumerable<string>>? expected)
    {
        var catalog = MigrationCatalog.LoadWithNotes(FileSystemMigrationSource.FromDirectory(folder), provider);
        var findings = MigrationLinter.Lint(catalog.Scripts.Concat(catalog.Repeatables), provider);
        var found = findings.Select(f => (Path.GetFileName(f.File), f.Code)).ToList();
        if (expected is null)
        {
            var codes = string.Join(", ", findings.GroupBy(f => f.Code).OrderBy(g => g.Key).Select(g => $"{g.Key} ×{g.Count()}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {catalog.Scripts.Count} | {findings.Count}{(codes.Length > 0 ? $" ({codes})" : "")} | reviewed by hand (analysis below) | | |");
            return;
        }

        var wanted = catalog.Scripts.SelectMany(s => expected(int.Parse(s.Version.Text, CultureInfo.InvariantCulture)).Select(code => (s.FileName, code))).ToList();
        var falsePositives = found.Except(wanted).Count();
        var falseNegatives = wanted.Except(found).Count();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {catalog.Scripts.Count} | {findings.Count} | {wanted.Count} | {falsePositives} | {falseNegatives} |");
    }

    private static void Squawk(string work, StringBuilder text)
    {
        var squawk = InstallSquawk(work);
        var folder = Path.Combine(work, "lint-squawk");
        Directory.CreateDirectory(folder);
        var rows = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var lintCase in LintCorpus.Postgres)
        {
            foreach (var (dangerous, sql) in new[] { (true, lintCase.DangerousText), (false, lintCase.Safe) })
            {
                var ours = Ours(lintCase, sql).Contains(lintCase.Code);
                var theirs = Theirs(squawk, folder, sql, out var theirRules).Contains(lintCase.Code);
                var row = rows.TryGetValue(lintCase.Code, out var r) ? r : rows[lintCase.Code] = new int[5];
                row[0]++;
                row[1] += ours == dangerous ? 1 : 0;
                row[2] += theirs == dangerous ? 1 : 0;
                row[3] += ours == theirs ? 1 : 0;
                if (ours != theirs)
                {
                    differences.Add($"{lintCase.Code} {lintCase.Name} ({(dangerous ? "dangerous" : "safe")}): ours {(ours ? "reports" : "silent")}, squawk {(theirs ? "reports" : "silent")}{(theirRules.Length > 0 ? $" (squawk said: {theirRules})" : "")}");
                }
            }
        }

        var version = ProcessRunner.Run(squawk, ["--version"]).Output.Trim();
        text.AppendLine(CultureInfo.InvariantCulture, $"**Agreement with {version}** on the lint corpus (`tests/OpenMemory.Build.Testing/LintCorpus.cs`): {LintCorpus.Postgres.Count} dangerous and {LintCorpus.Postgres.Count} safe migrations, each file alone through `squawk --reporter json` (`--assume-in-transaction` unless the file is `-- omb:no-transaction`), its rules mapped to ours. \"Right\" counts cases where the tool reports the dangerous form and not the safe one.");
        text.AppendLine();
        text.AppendLine("| rule | files | ours right | squawk right | agree |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var (code, row) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {code} | {row[0]} | {row[1]}/{row[0]} | {row[2]}/{row[0]} | {row[3]}/{row[0]} |");
        }

        text.AppendLine();
        text.AppendLine("Differences (explained below the analysis marker):");
        text.AppendLine();
        foreach (var difference in differences)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {difference}");
        }

        text.AppendLine();
    }

    private static HashSet<string> Ours(LintCase lintCase, string sql)
    {
        var setup = new MigrationScript(MigrationVersion.Parse("0001"), "setup", "0001_setup.sql", "/0001_setup.sql", LintCorpus.PostgresSetup, "", false);
        var script = new MigrationScript(MigrationVersion.Parse("0002"), "case", "0002_case.sql", "/0002_case.sql", sql, "", sql.StartsWith("-- omb:no-transaction", StringComparison.Ordinal));
        return MigrationLinter.Lint([setup, script], "postgres").Where(f => f.IsReported).Select(f => f.Code).ToHashSet();
    }

    private static HashSet<string> Theirs(string squawk, string folder, string sql, out string rules)
    {
        var file = Path.Combine(folder, "case.sql");
        File.WriteAllText(file, sql);
        var arguments = new List<string> { "--reporter", "json", file };
        if (!sql.StartsWith("-- omb:no-transaction", StringComparison.Ordinal))
        {
            arguments.Insert(0, "--assume-in-transaction");
        }

        var result = ProcessRunner.Run(squawk, arguments);
        var json = result.Output[result.Output.IndexOf('[', StringComparison.Ordinal)..(result.Output.LastIndexOf(']') + 1)];
        using var document = JsonDocument.Parse(json);
        var names = document.RootElement.EnumerateArray().Select(v => v.GetProperty("rule_name").GetString()!).Distinct().ToList();
        rules = string.Join(", ", names);
        return names.Where(SquawkToOurs.ContainsKey).Select(n => SquawkToOurs[n]).ToHashSet();
    }

    // squawk-cli ships a native binary as an npm package; npm is reachable here, its registry the only source.
    private static string InstallSquawk(string work)
    {
        var tools = Path.Combine(work, "squawk");
        Directory.CreateDirectory(tools);
        var install = ProcessRunner.Run("npm", ["install", "--prefix", tools, "--no-audit", "--no-fund", "squawk-cli@2.66.0"]);
        var binary = Path.Combine(tools, "node_modules", ".bin", "squawk");
        return install.Succeeded && File.Exists(binary) ? binary : throw new InvalidOperationException("npm install squawk-cli failed: " + install.Output);
    }

    // A plain build of an SDK-style app with 2,000 migrations: lint off; on with its findings baselined, as a project
    // adopting lint has them; on with every finding printed as a warning. Each measured validating (a migration
    // touched before the run) and unchanged (validation skipped).
    private static void Overhead(string work, string buildFolder, string tasksAssembly, int migrations, int reps, StringBuilder text)
    {
        var folder = Path.Combine(work, $"lint-m{migrations}");
        MigrationGenerator.Write(folder, migrations);
        var off = App(Path.Combine(work, "lint-off", "App.csproj"), buildFolder, tasksAssembly, folder, lint: false);
        var baselined = App(Path.Combine(work, "lint-baselined", "App.csproj"), buildFolder, tasksAssembly, folder, lint: true);
        var warned = App(Path.Combine(work, "lint-warned", "App.csproj"), buildFolder, tasksAssembly, folder, lint: true);
        Build(baselined, "-p:MigrationLintUpdateBaseline=true");
        foreach (var project in new[] { off, baselined, warned })
        {
            Build(project);
        }

        var touched = Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).Last();
        var projects = new[] { off, baselined, warned };
        var validating = projects.Select(_ => new List<double>()).ToArray();
        var unchanged = projects.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < reps; i++)
        {
            for (var p = 0; p < projects.Length; p++)
            {
                File.SetLastWriteTimeUtc(touched, DateTime.UtcNow);
                validating[p].Add(Build(projects[p]));
                unchanged[p].Add(Build(projects[p]));
            }
        }

        var catalog = MigrationCatalog.LoadWithNotes(FileSystemMigrationSource.FromDirectory(folder), "postgres");
        var engine = new List<double>();
        var findings = 0;
        for (var i = 0; i < reps; i++)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            findings = MigrationLinter.Lint(catalog.Scripts, "postgres").Count;
            engine.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        string S(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
        string Ratio(List<double> a, List<double> b) => (ResultsBlock.Median(a) / ResultsBlock.Median(b)).ToString("0.00", CultureInfo.InvariantCulture);
        text.AppendLine(CultureInfo.InvariantCulture, $"**What lint adds to a plain `dotnet build`**: an SDK-style console app with {migrations} generated migrations on PostgreSQL ({findings} findings), `--no-restore -nodeReuse:false`, median of {reps} alternating runs, against `MigrationLint=false`. The linter alone takes {ResultsBlock.Median(engine).ToString("0", CultureInfo.InvariantCulture)} ms for the {migrations} files (in-process, warm).");
        text.AppendLine();
        text.AppendLine("| build | lint off | lint on, findings baselined | ratio | lint on, every finding a warning | ratio |");
        text.AppendLine("|---|---|---|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| a migration changed: validation and lint run | {S(ResultsBlock.Median(validating[0]))} s | {S(ResultsBlock.Median(validating[1]))} s | {Ratio(validating[1], validating[0])}× | {S(ResultsBlock.Median(validating[2]))} s | {Ratio(validating[2], validating[0])}× |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| no change: validation skipped | {S(ResultsBlock.Median(unchanged[0]))} s | {S(ResultsBlock.Median(unchanged[1]))} s | {Ratio(unchanged[1], unchanged[0])}× | {S(ResultsBlock.Median(unchanged[2]))} s | {Ratio(unchanged[2], unchanged[0])}× |");
        text.AppendLine();
    }

    private static string App(string path, string buildFolder, string tasksAssembly, string migrations, bool lint)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "Program.cs"), "System.Console.WriteLine(\"hello\");\n");
        var project = SourceConsumerProject.Write(path, buildFolder, tasksAssembly, sdkStyle: true,
            properties: $"<OutputType>Exe</OutputType><EnableDefaultItems>true</EnableDefaultItems><EnableDefaultMigrationItems>false</EnableDefaultMigrationItems><MigrationUseLockFile>false</MigrationUseLockFile><MigrationProvider>postgres</MigrationProvider><MigrationLint>{(lint ? "true" : "false")}</MigrationLint>",
            items: $"<Migration Include=\"{migrations}/*.sql\" />");
        var restore = ProcessRunner.Run("dotnet", ["restore", project]);
        return restore.Succeeded ? project : throw new InvalidOperationException(restore.Output);
    }

    private static double Build(string project, params string[] extra)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = ProcessRunner.Run("dotnet", ["build", project, "--no-restore", "-nodeReuse:false", .. extra]);
        return result.Succeeded ? stopwatch.Elapsed.TotalSeconds : throw new InvalidOperationException(result.Output);
    }
}
