namespace NexOS.Core.Boot;

/// <summary>Why an archive could not be read.</summary>
public enum CpioError
{
    /// <summary>Read to its trailer.</summary>
    None,

    /// <summary>A header runs past the end of the archive.</summary>
    Truncated,

    /// <summary>A header does not start with "070701" (newc) or "070702" (newc with checksums).</summary>
    BadMagic,

    /// <summary>A header field is not eight hex digits.</summary>
    BadNumber,

    /// <summary>A name is empty, too long, not NUL-terminated, or holds a NUL, "." or ".." component.</summary>
    BadName,

    /// <summary>An entry's data runs past the end of the archive.</summary>
    DataOutside,

    /// <summary>More entries than <see cref="CpioArchive.MaxEntries"/>.</summary>
    TooManyEntries,

    /// <summary>The archive ended without the TRAILER!!! entry.</summary>
    NoTrailer,

    /// <summary>Two regular files with the same name.</summary>
    DuplicateName,
}

/// <summary>One regular file of an archive: its name and where its bytes are.</summary>
public readonly struct CpioFile
{
    /// <summary>Creates an entry.</summary>
    public CpioFile(string name, int offset, int length, uint mode)
    {
        Name = name;
        Offset = offset;
        Length = length;
        Mode = mode;
    }

    /// <summary>The path inside the archive, without a leading "./" or "/".</summary>
    public string Name { get; }

    /// <summary>Where the file's bytes start in the archive.</summary>
    public int Offset { get; }

    /// <summary>How many bytes it has.</summary>
    public int Length { get; }

    /// <summary>The mode bits (permissions; the type is always a regular file).</summary>
    public uint Mode { get; }
}

/// <summary>
/// Reads a cpio archive in the "new ASCII" format (newc, what `cpio -H newc` and the Linux
/// initramfs use): a 110-byte header of the magic and thirteen 8-digit hex fields, the name
/// (NUL-terminated, padded to 4 bytes), the data (padded to 4 bytes), and a last entry named
/// TRAILER!!!. The boot archive of programs is one. Every field is checked before it is used:
/// sizes are compared in 64 bits against what is left, names are bounded and may not climb out
/// with "..", so no archive can make the reader fail other than with a <see cref="CpioError"/>.
/// Only regular files are listed; directories, links and devices are skipped (the archive
/// has no use for them before there is a file system). The files' bytes are not copied.
/// </summary>
public sealed class CpioArchive
{
    /// <summary>The most entries read (files and the rest together).</summary>
    public const int MaxEntries = 4096;

    /// <summary>The longest name accepted, NUL included.</summary>
    public const int MaxName = 256;

    private const int HeaderSize = 110;
    private const uint TypeMask = 0xF000;
    private const uint RegularFile = 0x8000;

    private readonly List<CpioFile> _files;

    private CpioArchive(List<CpioFile> files)
    {
        _files = files;
    }

    /// <summary>The regular files, in archive order.</summary>
    public IReadOnlyList<CpioFile> Files => _files;

    /// <summary>Reads <paramref name="archive"/>; on failure returns the error and a one-line
    /// message naming the entry and offset.</summary>
    public static CpioError TryRead(ReadOnlySpan<byte> archive, out CpioArchive? result, out string message)
    {
        result = null;
        var files = new List<CpioFile>();
        long at = 0;
        for (int entries = 0; ; entries++)
        {
            if (entries >= MaxEntries)
            {
                return Fail(CpioError.TooManyEntries, at, $"more than {MaxEntries} entries", out message);
            }

            if (archive.Length - at < HeaderSize)
            {
                return at == archive.Length
                    ? Fail(CpioError.NoTrailer, at, "the archive ends without TRAILER!!!", out message)
                    : Fail(CpioError.Truncated, at, $"a header needs {HeaderSize} bytes, {archive.Length - at} are left", out message);
            }

            ReadOnlySpan<byte> header = archive.Slice((int)at, HeaderSize);
            if (!header[..5].SequenceEqual("07070"u8) || (header[5] != (byte)'1' && header[5] != (byte)'2'))
            {
                return Fail(CpioError.BadMagic, at, "not a newc header (magic 070701 or 070702)", out message);
            }

            for (int f = 0; f < 13; f++)
            {
                if (!Field(header, f, out _))
                {
                    return Fail(CpioError.BadNumber, at, $"header field {f} is not eight hex digits", out message);
                }
            }

            Field(header, 1, out uint mode);
            Field(header, 6, out uint fileSize);
            Field(header, 11, out uint nameSize);

            long nameAt = at + HeaderSize;
            if (nameSize < 2 || nameSize > MaxName || nameAt + nameSize > archive.Length)
            {
                return Fail(nameAt + nameSize > archive.Length && nameSize <= MaxName ? CpioError.Truncated : CpioError.BadName, at,
                    $"a name of {nameSize} bytes (NUL included; 2 to {MaxName})", out message);
            }

            ReadOnlySpan<byte> rawName = archive.Slice((int)nameAt, (int)nameSize);
            long dataAt = Align4(nameAt + nameSize);
            long next = Align4(dataAt + fileSize);
            if (dataAt + fileSize > archive.Length)
            {
                return Fail(CpioError.DataOutside, at, $"{fileSize} bytes of data run past the end of the archive", out message);
            }

            if (rawName[^1] != 0 || rawName[..^1].IndexOf((byte)0) >= 0)
            {
                return Fail(CpioError.BadName, at, "the name is not one NUL-terminated string", out message);
            }

            string name = Normalise(rawName[..^1]);
            if (name == "TRAILER!!!")
            {
                result = new CpioArchive(files);
                message = string.Empty;
                return CpioError.None;
            }

            if ((mode & TypeMask) == RegularFile)
            {
                if (name.Length == 0 || !IsSafe(name))
                {
                    return Fail(CpioError.BadName, at, "a file name that is empty or has a '.' or '..' component", out message);
                }

                foreach (CpioFile existing in files)
                {
                    if (existing.Name == name)
                    {
                        return Fail(CpioError.DuplicateName, at, $"'{name}' appears twice", out message);
                    }
                }

                files.Add(new CpioFile(name, (int)dataAt, (int)fileSize, mode & 0xFFF));
            }

            at = Math.Min(next, archive.Length);
        }
    }

    /// <summary>The file named <paramref name="name"/> (a leading "/" or "./" ignored), or false.</summary>
    public bool TryFind(string name, out CpioFile file)
    {
        name = name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name.TrimStart('/');
        foreach (CpioFile candidate in _files)
        {
            if (candidate.Name == name)
            {
                file = candidate;
                return true;
            }
        }

        file = default;
        return false;
    }

    private static bool Field(ReadOnlySpan<byte> header, int index, out uint value)
    {
        value = 0;
        ReadOnlySpan<byte> digits = header.Slice(6 + (index * 8), 8);
        foreach (byte c in digits)
        {
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }

    private static long Align4(long value) => (value + 3) & ~3L;

    private static string Normalise(ReadOnlySpan<byte> raw)
    {
        var chars = new char[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            // Names are ASCII in practice; anything else is kept as '?' so it can never be
            // confused with a real separator or dot.
            chars[i] = raw[i] >= 0x20 && raw[i] < 0x7F ? (char)raw[i] : '?';
        }

        string name = new(chars);
        while (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }

        return name.TrimStart('/');
    }

    private static bool IsSafe(string name)
    {
        foreach (string part in name.Split('/'))
        {
            if (part.Length == 0 || part == "." || part == "..")
            {
                return false;
            }
        }

        return true;
    }

    private static CpioError Fail(CpioError error, long at, string what, out string message)
    {
        message = $"cpio archive at byte {at}: {what}";
        return error;
    }
}
