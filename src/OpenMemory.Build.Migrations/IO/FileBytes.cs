namespace OpenMemory.Build.Migrations.IO;

/// <summary>
/// A whole file's bytes, read into an array that is not zeroed first: every byte is overwritten by the read, and
/// zeroing a data dump's tens of megabytes beforehand cost as much as reading them.
/// </summary>
internal static class FileBytes
{
    public static byte[] Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
        {
            throw new IOException($"{path} is larger than {Array.MaxLength} bytes.");
        }

        var bytes = GC.AllocateUninitializedArray<byte>((int)length);
        var read = 0;
        while (read < bytes.Length)
        {
            var count = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (count == 0)
            {
                // The file shrank while it was read: what was read is the file now.
                return bytes.AsSpan(0, read).ToArray();
            }

            read += count;
        }

        return bytes;
    }
}
