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
    /// The checksum of a file read as <paramref name="bytes"/> and decoded to <paramref name="text"/>: the same value
    /// as <see cref="Compute"/>, but when the bytes need no normalizing (no BOM, no CR, ASCII whitespace at the ends)
    /// they are hashed as they are, without encoding the text again (a 20 MB pg_dump file).
    /// </summary>
    internal static string HashFile(ReadOnlySpan<byte> bytes, string text)
    {
        var start = text.Length - text.AsSpan().TrimStart().Length;
        var end = text.AsSpan().TrimEnd().Length;
        var asIs = !bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) && bytes.IndexOf((byte)'\r') < 0
            && Ascii.IsValid(text.AsSpan(0, start)) && Ascii.IsValid(text.AsSpan(end));
        if (!asIs)
        {
            return HashNormalized(Normalize(text));
        }

        var trimmed = end <= start ? [] : bytes[start..(bytes.Length - (text.Length - end))];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(trimmed, hash);
        return Convert.ToHexStringLower(hash);
    }

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
