using System.Diagnostics;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>One provider's database for the benchmark: made fresh per measurement, migrated by each contender.</summary>
internal sealed class Target(string provider, PostgresServer server, string root)
{
    private string _database = "";

    public string ConnectionString => provider == "postgres"
        ? server.ConnectionString(_database)
        : $"Data Source={Path.Combine(root, "bench.sqlite")}";

    /// <summary>An empty database (SQLite: no file; PostgreSQL: a new database).</summary>
    public void Fresh()
    {
        if (provider == "postgres")
        {
            _database = server.CreateDatabase("bench");
            return;
        }

        foreach (var file in Directory.GetFiles(root, "bench.sqlite*"))
        {
            File.Delete(file);
        }
    }

    public MigrationOptions Options(MigrationMode mode) => new()
    {
        Module = "bench",
        Provider = provider,
        ConnectionString = ConnectionString,
        Schema = "public",
        AllowPublicSchema = true,
        Mode = mode,
    };

    public double RawApply(string folder)
    {
        var script = Path.Combine(root, $"raw-{provider}.sql");
        File.WriteAllText(script, RawLimit.Script(folder, provider == "postgres"));
        var stopwatch = Stopwatch.StartNew();
        var result = provider == "postgres"
            ? server.Psql(_database, "-f", script)
            : ProcessRunner.Run("sqlite3", [Path.Combine(root, "bench.sqlite"), $".read {script}"]);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        return result.Succeeded ? elapsed : throw new InvalidOperationException(result.Output);
    }

    /// <summary>GNU time's path: it reports the peak resident memory of the build it runs (Debian package "time").</summary>
    private const string GnuTime = "/usr/bin/time";

    /// <summary>The peak resident memory of the last <see cref="Build"/> in bytes, when GNU time is installed; else null.</summary>
    public long? LastPeakBytes { get; private set; }

    public double Build(string project, string target, params string[] extra)
    {
        string[] build = ["dotnet", "build", project, "--no-restore", $"-t:{target}", "-nodeReuse:false", $"-p:MigrationProvider={provider}", "-p:MigrationConnectionStringVariable=OMB_BENCH_DB", .. extra];
        // Without -m and with node reuse off, MSBuild builds in the dotnet process itself: its peak is the build's.
        var measured = File.Exists(GnuTime);
        var stopwatch = Stopwatch.StartNew();
        var result = ProcessRunner.Run(measured ? GnuTime : build[0], measured ? ["-f", "OMB_PEAK_KB %M", .. build] : build[1..],
            Path.GetDirectoryName(project),
            new Dictionary<string, string?> { ["OMB_BENCH_DB"] = ConnectionString, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        LastPeakBytes = System.Text.RegularExpressions.Regex.Match(result.Output, @"OMB_PEAK_KB (\d+)") is { Success: true } peak
            ? long.Parse(peak.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024
            : null;
        return result.Succeeded ? elapsed : throw new InvalidOperationException(result.Output);
    }
}
