using System.Diagnostics;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>
/// CPU time used so far, in milliseconds: this process, and the PostgreSQL server (the postmaster, its live children and
/// the children it has reaped), read from /proc. On two cores, client and server CPU together bound what parallelism can do.
/// </summary>
internal static class ProcessCpu
{
    private static readonly double MsPerTick = 1000.0 / 100; // USER_HZ is 100 on Linux

    public static double Client() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    public static double Server(PostgresServer server)
    {
        var postmaster = File.ReadLines(Path.Combine(server.Root, "data", "postmaster.pid")).First().Trim();
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(directory);
            if (!char.IsAsciiDigit(pid[0]))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // After the command name: state, ppid, ..., utime (12th), stime, cutime, cstime.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (pid == postmaster)
                {
                    ticks += long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
                }
                else if (fields[1] == postmaster)
                {
                    ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
        }

        return ticks * MsPerTick;
    }
}
