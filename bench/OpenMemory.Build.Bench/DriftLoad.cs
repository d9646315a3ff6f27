using System.Globalization;
using System.Text;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>
/// Drift against a no-op MigrateDatabase, both through a cold <c>dotnet build</c>: on the OpenMemory sample (the goal:
/// at most 3×) and on 500 generated migrations, on each provider. The figures replace their own block in RESULTS.md.
/// </summary>
internal static class DriftLoad
{
    private const string Begin = "<!-- drift -->";
    private const string End = "<!-- /drift -->";

    public static void Measure(PostgresServer server, string work, string buildFolder, string tasksAssembly, int migrations, int reps, string output)
    {
        var generated = Path.Combine(work, $"drift-m{migrations}");
        MigrationGenerator.Write(generated, migrations);
        var sets = new[] { ("OpenMemory sample", RepositoryPaths.Combine("samples", "OpenMemory", "Migrations")), ($"{migrations} generated migrations", generated) };
        var text = new StringBuilder();
        text.AppendLine(Begin);
        text.AppendLine("### Drift against a no-op MigrateDatabase");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, median of {reps} alternating cold `dotnet build` runs of a bare project (the package's build files from source), each after Apply.");
        text.AppendLine();
        text.AppendLine("| set | provider | no-op MigrateDatabase | Drift | ratio |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var (name, folder) in sets)
        {
            var project = ConsumerProject.Write(Path.Combine(work, "drift-" + Path.GetFileName(folder)), folder, buildFolder, tasksAssembly);
            foreach (var provider in new[] { "sqlite", "postgres" })
            {
                var target = new Target(provider, server, work);
                target.Fresh();
                target.Build(project, "MigrateDatabase");
                var (noOp, drift) = (new List<double>(), new List<double>());
                for (var i = 0; i < reps; i++)
                {
                    noOp.Add(target.Build(project, "MigrateDatabase"));
                    drift.Add(target.Build(project, "MigrateDatabase", "-p:MigrationMode=Drift"));
                }

                var (a, b) = (ResultsBlock.Median(noOp), ResultsBlock.Median(drift));
                text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {provider} | {a:0.000} s | {b:0.000} s | {b / a:0.00}× |");
            }
        }

        text.Append(End);
        ResultsBlock.Write(output, Begin, End, text.ToString());
    }
}
