using System.IO;
using System.Text;

namespace NexOS.Pack;

/// <summary>
/// Writes a cpio archive in the "new ASCII" format (newc): per entry a 110-byte header (the
/// magic 070701 and thirteen fields of eight upper-case hex digits), the NUL-terminated name
/// and the data, each padded with zeroes to a multiple of four bytes; then the TRAILER!!!
/// entry. Only regular files are written, and only what is given: inode numbers count from 1
/// in the order files are added, and owner, times and devices are zero, so the same files
/// added in the same order give the same bytes.
/// </summary>
public sealed class NewcWriter
{
    /// <summary>The longest name written, NUL included (what the kernel's reader accepts).</summary>
    public const int MaxName = NexOS.Core.Boot.CpioArchive.MaxName;

    private const uint RegularFile = 0x8000;
    private const string Trailer = "TRAILER!!!";

    private readonly MemoryStream _bytes = new();
    private uint _inode;
    private bool _finished;

    /// <summary>Bytes written so far (the trailer not counted until <see cref="Finish"/>).</summary>
    public long Length => _bytes.Length;

    /// <summary>Adds a regular file. <paramref name="name"/> is printable ASCII, not the
    /// trailer's name, and at most <see cref="MaxName"/> - 1 characters; <paramref name="permissions"/>
    /// are the low twelve mode bits. Throws <see cref="ArgumentException"/> otherwise, and
    /// <see cref="InvalidOperationException"/> after <see cref="Finish"/>.</summary>
    public void AddFile(string name, ReadOnlySpan<byte> data, uint permissions)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length >= MaxName || name == Trailer)
        {
            throw new ArgumentException($"a name of 1 to {MaxName - 1} characters, not {Trailer}", nameof(name));
        }

        foreach (char c in name)
        {
            if (c < 0x20 || c >= 0x7F)
            {
                throw new ArgumentException("names are printable ASCII", nameof(name));
            }
        }

        if (permissions > 0xFFF)
        {
            throw new ArgumentException("permissions are the low twelve mode bits", nameof(permissions));
        }

        Entry(++_inode, RegularFile | permissions, name, data);
    }

    /// <summary>Writes the trailer and returns the archive; nothing can be added afterwards.</summary>
    public byte[] Finish()
    {
        Entry(0, 0, Trailer, default);
        _finished = true;
        return _bytes.ToArray();
    }

    private void Entry(uint inode, uint mode, string name, ReadOnlySpan<byte> data)
    {
        if (_finished)
        {
            throw new InvalidOperationException("the archive is finished");
        }

        var header = new StringBuilder("070701", 110);
        uint[] fields = { inode, mode, 0, 0, 1, 0, (uint)data.Length, 0, 0, 0, 0, (uint)name.Length + 1, 0 };
        foreach (uint field in fields)
        {
            header.Append(field.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
        }

        _bytes.Write(Encoding.ASCII.GetBytes(header.ToString()));
        _bytes.Write(Encoding.ASCII.GetBytes(name));
        _bytes.WriteByte(0);
        Pad();
        _bytes.Write(data);
        Pad();
    }

    private void Pad()
    {
        while (_bytes.Length % 4 != 0)
        {
            _bytes.WriteByte(0);
        }
    }
}
