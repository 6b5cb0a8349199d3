namespace NexOS.Storage.Vfs;

/// <summary>Path normalisation without allocation: an absolute path with "//", "." and ".."
/// resolved lexically (".." at the root stays at the root), no trailing slash.</summary>
public static class VfsPath
{
    /// <summary>The longest path accepted, before and after normalisation.</summary>
    public const int MaxLength = 4096;

    /// <summary>The most components a normalised path may have.</summary>
    public const int MaxDepth = 256;

    /// <summary>Normalises <paramref name="path"/> into <paramref name="output"/> ("/" for the
    /// root). BadName for a relative or empty path, one longer than <see cref="MaxLength"/>, one
    /// with a NUL or more than <see cref="MaxDepth"/> components; BadArgument when the output
    /// is too small.</summary>
    public static StorageStatus Normalize(ReadOnlySpan<char> path, Span<char> output, out int length)
    {
        length = 0;
        if (path.Length == 0 || path[0] != '/' || path.Length > MaxLength || path.IndexOf('\0') >= 0)
        {
            return StorageStatus.BadName;
        }
        if (output.Length < 1)
        {
            return StorageStatus.BadArgument;
        }
        int depth = 0;
        int position = 0;
        while (position < path.Length)
        {
            while (position < path.Length && path[position] == '/')
            {
                position++;
            }
            int start = position;
            while (position < path.Length && path[position] != '/')
            {
                position++;
            }
            ReadOnlySpan<char> component = path[start..position];
            if (component.Length == 0 || component.SequenceEqual("."))
            {
                continue;
            }
            if (component.SequenceEqual(".."))
            {
                // Drop the last component written, if any.
                int cut = output[..length].LastIndexOf('/');
                length = cut < 0 ? 0 : cut;
                depth = depth > 0 ? depth - 1 : 0;
                continue;
            }
            if (++depth > MaxDepth)
            {
                return StorageStatus.BadName;
            }
            if (length + 1 + component.Length > output.Length)
            {
                return StorageStatus.BadArgument;
            }
            output[length++] = '/';
            component.CopyTo(output[length..]);
            length += component.Length;
        }
        if (length == 0)
        {
            output[0] = '/';
            length = 1;
        }
        return StorageStatus.Ok;
    }
}
