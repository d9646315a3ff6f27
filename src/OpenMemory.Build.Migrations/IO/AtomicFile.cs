using System.Text;

namespace OpenMemory.Build.Migrations.IO;

/// <summary>
/// Writes a file whole or not at all: into a temporary file beside it, then renamed over it. Builds of one project
/// running at once each write their own temporary file; the last rename wins and a reader never sees half a file.
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string text, UnixFileMode? mode = null) =>
        Write(path, stream =>
        {
            var bytes = Utf8.GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        }, mode);

    public static void Write(string path, Action<Stream> write, UnixFileMode? mode = null)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
            }

            if (mode is { } unixMode && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, unixMode);
            }

            MoveOver(temporary, full);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    // Windows refuses to replace a file another process has open for a moment (a reader, an antivirus scan); the
    // rename is retried briefly there. On Unix a rename over an open file always succeeds.
    private static void MoveOver(string temporary, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                File.Move(temporary, path, overwrite: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && attempt < 20 && OperatingSystem.IsWindows())
            {
                Thread.Sleep(50);
            }
        }
    }
}
