namespace NexOS.Bench;

/// <summary>
/// The disk both systems' storage benchmarks run on, attached as virtio-blk: 128 MiB, an MBR
/// whose first partition (type 0x0C, sectors 2048 to 133,119, 64 MiB) holds a FAT32 file
/// system made by mkfs.fat, and 63 MiB of free space after it for the raw figures
/// (user/diskbench, bench/linux/disk.c). Every boot gets a fresh copy, so no run inherits
/// another's files or cache state.
/// </summary>
public static class BenchDisk
{
    private const long Size = 128L << 20;
    private const uint PartitionStart = 2048;
    private const uint PartitionSectors = 131072;

    /// <summary>The QEMU arguments that attach <paramref name="image"/> (the same for both systems).</summary>
    public static IReadOnlyList<string> Arguments(string image) =>
        ["-drive", $"file={image},if=none,id=bench,format=raw", "-device", "virtio-blk-pci,drive=bench"];

    /// <summary>Makes the template image at <paramref name="path"/>; throws when mkfs.fat fails.</summary>
    public static void MakeTemplate(string path)
    {
        using (FileStream f = File.Create(path))
        {
            f.SetLength(Size);
            byte[] mbr = new byte[512];
            Span<byte> entry = mbr.AsSpan(446, 16);
            entry[1] = 0xFE; entry[2] = 0xFF; entry[3] = 0xFF;  // CHS "beyond 8 GiB": use the LBA fields
            entry[4] = 0x0C;                                    // FAT32 with LBA
            entry[5] = 0xFE; entry[6] = 0xFF; entry[7] = 0xFF;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], PartitionStart);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], PartitionSectors);
            mbr[510] = 0x55;
            mbr[511] = 0xAA;
            f.Write(mbr);
        }

        // mkfs.fat takes the file system's size in KiB and where it starts in sectors.
        var info = new ProcessStartInfo("mkfs.fat") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-F", "32", "-s", "1", "-n", "BENCH", $"--offset={PartitionStart}", path, (PartitionSectors / 2).ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info) ?? throw new InvalidOperationException("cannot start mkfs.fat");
        string error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfs.fat failed: {error}");
        }
    }

    /// <summary>A fresh copy of <paramref name="template"/> at <paramref name="copy"/>.</summary>
    public static string Fresh(string template, string copy)
    {
        File.Copy(template, copy, overwrite: true);
        return copy;
    }
}
