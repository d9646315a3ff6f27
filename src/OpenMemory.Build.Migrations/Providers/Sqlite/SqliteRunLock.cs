using System.Diagnostics;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

/// <summary>
/// The run lock of an Apply on a SQLite file: an exclusive lock on '&lt;database&gt;.omb-lock', the same lock the
/// deploy script takes with flock(1). BEGIN IMMEDIATE guards each transactional migration on its own, but a
/// no-transaction migration runs its statements outside any transaction, so only a lock held across the whole run
/// keeps two runs from both running it. The operating system drops the lock when the process dies.
/// </summary>
internal sealed class SqliteRunLock : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly FileStream _stream;

    private SqliteRunLock(FileStream stream) => _stream = stream;

    public static string PathFor(string databasePath) => Path.GetFullPath(databasePath) + ".omb-lock";

    public static async Task<SqliteRunLock> AcquireAsync(string databasePath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = PathFor(databasePath);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock() on Unix and a share-mode lock on Windows.
                return new SqliteRunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                if (stopwatch.Elapsed >= timeout)
                {
                    throw new MigrationException(Errors.LockTimeout($"SQLite database '{databasePath}' (lock file '{path}')", timeout, "another migration run or deploy script"));
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
            catch (UnauthorizedAccessException)
            {
                throw new MigrationException(Errors.DatabaseReadOnly(databasePath));
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
