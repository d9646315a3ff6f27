using System.Text;
using System.Text.Unicode;

namespace OpenMemory.Build.Migrations.Sql;

/// <summary>The inline rows of one <c>COPY ... FROM stdin</c>, kept as the file's UTF-8 bytes; <see cref="Lines"/> rows.</summary>
internal sealed record CopyRows(ReadOnlyMemory<byte> Bytes, int Lines);

/// <summary>
/// A pg_dump data dump is mostly the rows of its COPY statements, which are data the server reads, not SQL. Decoded
/// to a string (twice the file's size) and encoded back to send them, they cost a 20 MB dump more time and memory than
/// all the rest of its checks. So the rows of each <c>COPY ... FROM stdin;</c> written on one line, as pg_dump writes
/// it, are held out of the script's text: each row stays in the text as an empty line (line numbers and row numbers
/// hold), and its bytes are sent to the server as they are. The splitter must find exactly those statements with
/// exactly those rows in the text that results; otherwise (a COPY inside a function body, say) nothing is held out.
/// </summary>
internal static class HeldOutCopyRows
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The text with the rows held out, and the rows; null when nothing is held out: no COPY line, or a file that
    /// is not plain UTF-8 with LF line endings (its text is normalized or its error reported the usual way), or rows
    /// that hold a <c>{{</c> (expanded as templates in the text, so they stay there).
    /// </summary>
    public static (string Text, IReadOnlyList<CopyRows> Rows)? TryHoldOut(byte[] file)
    {
        var bytes = file.AsSpan();
        if (bytes.IndexOf("COPY "u8) < 0 || bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || bytes.Contains((byte)'\r') || !Utf8.IsValid(bytes))
        {
            return null;
        }

        var blocks = FindBlocks(bytes);
        if (blocks is not { Count: > 0 })
        {
            return null;
        }

        var text = new StringBuilder();
        var rows = new List<CopyRows>(blocks.Count);
        var expectedOffsets = new List<int>(blocks.Count);
        var previous = 0;
        foreach (var (start, end) in blocks)
        {
            text.Append(StrictUtf8.GetString(bytes[previous..start]));
            var lines = bytes[start..end].Count((byte)'\n');
            expectedOffsets.Add(text.Length);
            text.Append('\n', lines);
            rows.Add(new CopyRows(file.AsMemory(start, end - start), lines));
            previous = end;
        }

        text.Append(StrictUtf8.GetString(bytes[previous..]));
        var held = text.ToString();
        return SplitsAsHeld(held, expectedOffsets, rows) ? (held, rows) : null;
    }

    /// <summary>Each held-out row block, and only those, is the rows of a COPY the splitter finds in the text.</summary>
    private static bool SplitsAsHeld(string text, List<int> offsets, List<CopyRows> rows)
    {
        IReadOnlyList<SqlStatement> statements;
        try
        {
            statements = SqlScriptSplitter.Split(text, SqlDialect.Postgres);
        }
        catch (Exception e) when (e is UnterminatedSqlException or PsqlMetaCommandException)
        {
            // Reported when the script is checked, from its whole text.
            return false;
        }

        var found = 0;
        foreach (var statement in statements)
        {
            if (statement.CopyData is not { } data)
            {
                continue;
            }

            if (found == rows.Count || statement.CopyDataOffset != offsets[found] || data.Length != rows[found].Lines)
            {
                return false;
            }

            found++;
        }

        return found == rows.Count;
    }

    /// <summary>
    /// Byte ranges of rows: from the line after a line <c>COPY ... FROM stdin;</c> to the line <c>\.</c> (psql's
    /// rule), each row ending in its newline. Null when a COPY's rows have no end or hold a template.
    /// </summary>
    private static List<(int Start, int End)>? FindBlocks(ReadOnlySpan<byte> bytes)
    {
        var blocks = new List<(int, int)>();
        for (var copy = LineStarting(bytes, 0); copy >= 0; copy = LineStarting(bytes, copy + 1))
        {
            var lineEnd = bytes[copy..].IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                break;
            }

            lineEnd += copy;
            if (!IsCopyFromStdin(bytes[copy..lineEnd]))
            {
                continue;
            }

            var start = lineEnd + 1;
            var end = Terminator(bytes, start);
            if (end < 0 || bytes[start..end].IndexOf("{{"u8) >= 0)
            {
                return null;
            }

            blocks.Add((start, end));
            copy = end;
        }

        return blocks;
    }

    private static int LineStarting(ReadOnlySpan<byte> bytes, int from)
    {
        for (var at = from; at < bytes.Length;)
        {
            var found = bytes[at..].IndexOf("COPY "u8);
            if (found < 0)
            {
                return -1;
            }

            found += at;
            if (found == 0 || bytes[found - 1] == '\n')
            {
                return found;
            }

            at = found + 1;
        }

        return -1;
    }

    private static bool IsCopyFromStdin(ReadOnlySpan<byte> line)
    {
        return line.TrimEnd(" \t"u8).EndsWith("FROM stdin;"u8);
    }

    /// <summary>Where the line <c>\.</c> that ends the rows starting at <paramref name="start"/> begins; -1 without one.</summary>
    private static int Terminator(ReadOnlySpan<byte> bytes, int start)
    {
        if (bytes[start..].StartsWith(@"\."u8) && (start + 2 == bytes.Length || bytes[start + 2] == '\n'))
        {
            return start;
        }

        for (var at = start; at < bytes.Length;)
        {
            var found = bytes[at..].IndexOf("\n\\."u8);
            if (found < 0)
            {
                return -1;
            }

            var line = at + found + 1;
            if (line + 2 == bytes.Length || bytes[line + 2] == '\n')
            {
                return line;
            }

            at = line;
        }

        return -1;
    }
}
