using System.Security.Cryptography;
using System.Text;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>A stable 64-bit advisory lock key for a name: the same in every process and every version of this tool.</summary>
internal static class AdvisoryLockKey
{
    public static long For(string purpose, string schema, string module)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"openmemory.build:{purpose}:{schema}:{module}"), hash);
        return BitConverter.ToInt64(hash[..8]);
    }
}
