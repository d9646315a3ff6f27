using System.Security.Cryptography;
using System.Text;

namespace OpenMemory.Build.Migrations.Checksums;

/// <summary>
/// The checksum rule. It must never change silently: every recorded checksum depends on it.
/// SHA-256, lowercase hex, over the UTF-8 bytes of the text after: dropping a leading BOM, turning CRLF and
/// lone CR into LF, and trimming leading and trailing whitespace. Computed on the file as written, before any
/// template expansion.
/// </summary>
internal static class MigrationChecksum
{
    public static string Compute(string text) => HashNormalized(Normalize(text));

    /// <summary>The text as it is executed: BOM dropped and line endings unified; line numbers are preserved.</summary>
    public static string NormalizeLineEndings(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;
    }

    internal static string Normalize(string text) => NormalizeLineEndings(text).Trim();

    /// <summary>
    /// The checksum from the bytes alone when they need no normalizing: no BOM, no CR, and ends that are ASCII
    /// (ASCII whitespace is trimmed here as <see cref="string.Trim()"/> trims it); null when the text must be
    /// normalized first. Needs no decoded text, so a large file is hashed while it is being decoded.
    /// </summary>
    internal static string? TryHashAsIs(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || bytes.Contains((byte)'\r'))
        {
            return null;
        }

        var start = 0;
        while (start < bytes.Length && IsAsciiWhiteSpace(bytes[start]))
        {
            start++;
        }

        var end = bytes.Length;
        while (end > start && IsAsciiWhiteSpace(bytes[end - 1]))
        {
            end--;
        }

        // A non-ASCII byte at either end may start or end Unicode whitespace, which Trim also removes.
        if (end > start && (bytes[start] >= 0x80 || bytes[end - 1] >= 0x80))
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[start..end], hash);
        return Convert.ToHexStringLower(hash);
    }

    private static bool IsAsciiWhiteSpace(byte b) => b < 0x80 && char.IsWhiteSpace((char)b);

    internal static string HashNormalized(string normalized)
    {
        var byteCount = Encoding.UTF8.GetByteCount(normalized);
        var bytes = byteCount <= 64 * 1024 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(normalized, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }
}
