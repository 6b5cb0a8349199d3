using System.IO;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Reads the .vmx `./nexos vmware` writes and turns its devices into QEMU's nearest models, so
/// a boot test runs the machine VMware would: each present SATA controller an AHCI controller
/// (VMware's is AHCI too) with its disk, ethernet0's "e1000" QEMU's e1000-82545em (the 82545EM
/// VMware emulates), the firmware and the memory size. A device NexOS has no driver for fails.
/// </summary>
internal sealed class VmxMachine
{
    private static readonly Regex s_line = new(@"^\s*([A-Za-z0-9_.:]+)\s*=\s*""([^""]*)""\s*$");
    private static readonly string[] s_unsupportedBuses = ["scsi", "nvme", "ide", "pvscsi"];
    private readonly Dictionary<string, string> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _directory;

    private VmxMachine(string path)
    {
        _directory = Path.GetDirectoryName(path)!;
        foreach (string line in File.ReadAllLines(path))
        {
            if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            Match m = s_line.Match(line);
            Assert.That(m.Success, Is.True, $"{path}: not a .vmx line: {line}");
            Assert.That(_keys.TryAdd(m.Groups[1].Value, m.Groups[2].Value), Is.True, $"{path}: {m.Groups[1].Value} is set twice");
        }
    }

    public static VmxMachine Load(string path) => new(path);

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? this[string key] => _keys.TryGetValue(key, out string? value) ? value : null;

    public bool Efi => this["firmware"] switch
    {
        "efi" => true,
        "bios" => false,
        string other => throw new AssertionException($"firmware = \"{other}\" is neither bios nor efi"),
        null => false,
    };

    /// <summary>The disks: (controller, file) for each present sataN:0.</summary>
    public List<(int Controller, string File)> Disks()
    {
        var disks = new List<(int, string)>();
        for (int controller = 0; controller < 4; controller++)
        {
            if (!IsTrue($"sata{controller}.present"))
            {
                continue;
            }

            Assert.That(IsTrue($"sata{controller}:0.present"), Is.True, $"sata{controller} has no disk on port 0");
            Assert.That(this[$"sata{controller}:0.deviceType"], Is.EqualTo("disk"));
            string file = Path.Combine(_directory, this[$"sata{controller}:0.fileName"] ?? throw new AssertionException($"sata{controller}:0 names no file"));
            Assert.That(File.Exists(file), Is.True, $"{file} is missing");
            disks.Add((controller, file));
        }

        return disks;
    }

    /// <summary>QEMU's model of ethernet0.</summary>
    public string NicModel()
    {
        Assert.That(IsTrue("ethernet0.present"), Is.True, "the machine has a network card");
        return this["ethernet0.virtualDev"] switch
        {
            "e1000" => "e1000-82545em",
            "e1000e" => "e1000e",
            string other => throw new AssertionException($"ethernet0.virtualDev = \"{other}\": NexOS has no driver for it"),
            null => throw new AssertionException("ethernet0 names no virtualDev (VMware would pick one by guestOS)"),
        };
    }

    /// <summary>Options for a QEMU machine with the .vmx's devices; COM1 stays the test's
    /// serial line, where VMware writes it into serial0.fileName.</summary>
    public QemuOptions ToQemuOptions()
    {
        foreach (string bus in s_unsupportedBuses)
        {
            Assert.That(IsTrue($"{bus}0.present"), Is.False, $"{bus}0 is present: NexOS has no driver for it");
        }

        Assert.That(this["serial0.fileType"], Is.EqualTo("file"), "COM1 goes into a file");
        Assert.That(this["bios.bootOrder"], Is.EqualTo("hdd"));
        string memory = this["memsize"] ?? throw new AssertionException("no memsize");
        var medium = new List<string> { "-boot", "c" };
        foreach ((int controller, string file) in Disks())
        {
            medium.AddRange(new[]
            {
                "-device", $"ahci,id=sata{controller}",
                "-drive", $"file={file},format=vmdk,if=none,id=sata{controller}disk",
                "-device", $"ide-hd,drive=sata{controller}disk,bus=sata{controller}.0",
            });
        }

        return new QemuOptions
        {
            Memory = memory + "M",
            Uefi = Efi,
            BootMedium = medium,
            OtherDisks = true,
            Nic = NicModel(),
        };
    }

    private bool IsTrue(string key) => string.Equals(this[key], "TRUE", StringComparison.OrdinalIgnoreCase);
}
