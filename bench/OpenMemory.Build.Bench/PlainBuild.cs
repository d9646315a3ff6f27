using System.Globalization;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>
/// What the package costs a plain, no-change 'dotnet build' of an ordinary project: the same console app with and
/// without the package's build files and N migrations. ValidateMigrations is incremental, so the ratio should be
/// close to 1. The figures replace their own block in RESULTS.md and leave the rest of the file alone.
/// </summary>
internal static class PlainBuild
{
    private const string Begin = "<!-- plain-build -->";
    private const string End = "<!-- /plain-build -->";

    public static void Measure(string work, string buildFolder, string tasksAssembly, int migrations, int reps, string output)
    {
        var folder = Path.Combine(work, $"plain-m{migrations}");
        MigrationGenerator.Write(folder, migrations);
        var with = Write(Path.Combine(work, "with", "App.csproj"), buildFolder, tasksAssembly, folder, withPackage: true);
        var without = Write(Path.Combine(work, "without", "App.csproj"), buildFolder, tasksAssembly, folder, withPackage: false);
        foreach (var project in new[] { with, without })
        {
            var first = ProcessRunner.Run("dotnet", ["build", project, "-nodeReuse:false"]);
            if (!first.Succeeded)
            {
                throw new InvalidOperationException(first.Output);
            }
        }

        // Alternate the two so that machine noise falls on both alike.
        var withTimes = new List<double>();
        var withoutTimes = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            withTimes.Add(Time(with));
            withoutTimes.Add(Time(without));
        }

        var (a, b) = (ResultsBlock.Median(withTimes), ResultsBlock.Median(withoutTimes));
        var block = $"""
            {Begin}
            ### Plain no-change `dotnet build` with and without the package

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {migrations} migrations, median of {reps} alternating runs (`dotnet build --no-restore -nodeReuse:false`,
            a console app; the package's build files imported from source, its ValidateMigrations skipped as up to date).

            | with the package | without | ratio |
            |---|---|---|
            | {a.ToString("0.000", CultureInfo.InvariantCulture)} s | {b.ToString("0.000", CultureInfo.InvariantCulture)} s | {(a / b).ToString("0.00", CultureInfo.InvariantCulture)}× |
            {End}
            """;
        ResultsBlock.Write(output, Begin, End, block);
    }

    private static string Write(string path, string buildFolder, string tasksAssembly, string migrations, bool withPackage)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "Program.cs"), "System.Console.WriteLine(\"hello\");\n");
        if (withPackage)
        {
            return SourceConsumerProject.Write(path, buildFolder, tasksAssembly, sdkStyle: true,
                properties: "<OutputType>Exe</OutputType><EnableDefaultItems>true</EnableDefaultItems><EnableDefaultMigrationItems>false</EnableDefaultMigrationItems><MigrationUseLockFile>false</MigrationUseLockFile>",
                items: $"<Migration Include=\"{migrations}/*.sql\" />");
        }

        File.WriteAllText(path, """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
              </PropertyGroup>
            </Project>
            """);
        return path;
    }

    private static double Time(string project)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = ProcessRunner.Run("dotnet", ["build", project, "--no-restore", "-nodeReuse:false"]);
        return result.Succeeded ? stopwatch.Elapsed.TotalSeconds : throw new InvalidOperationException(result.Output);
    }
}
