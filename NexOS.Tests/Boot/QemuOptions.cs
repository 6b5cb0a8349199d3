using System.IO;

namespace NexOS.Tests.Boot;

/// <summary>How to start a <see cref="QemuMachine"/>.</summary>
internal sealed record QemuOptions
{
    /// <summary>The -m argument: guest memory, e.g. "128M" or "2G".</summary>
    public string Memory { get; init; } = "512M";

    /// <summary>The guest's CPUs (-smp). Unset, it is NEXOS_TEST_CPUS when that is set (so the
    /// whole suite can run on several CPUs: `NEXOS_TEST_CPUS=4 ./nexos test`), else 1. With
    /// more than one, QEMU runs them in threads of their own (-accel tcg,thread=multi).</summary>
    public int Cpus { get; init; } = DefaultCpus;

    /// <summary>NEXOS_TEST_CPUS, or 1.</summary>
    public static int DefaultCpus =>
        int.TryParse(Environment.GetEnvironmentVariable("NEXOS_TEST_CPUS"), out int n) && n >= 1 ? n : 1;

    /// <summary>Text added to the kernel command line through a cmdline.cfg disk, or null.</summary>
    public string? CommandLine { get; init; }

    /// <summary>Boot through UEFI firmware (OVMF) instead of the BIOS.</summary>
    public bool Uefi { get; init; }

    /// <summary>Boot over PXE from QEMU's built-in TFTP server instead of the CD-ROM.</summary>
    public bool Pxe { get; init; }

    /// <summary>A raw disk image attached as a virtio-blk PCI disk (the disk `./nexos run`
    /// attaches), or null for none.</summary>
    public string? VirtioDisk { get; init; }

    /// <summary>A raw disk image attached as a SATA disk on an AHCI controller (what real PCs
    /// and VMware have), or null for none.</summary>
    public string? AhciDisk { get; init; }

    /// <summary>Boot a q35 machine with QEMU's VT-d IOMMU (intel-iommu) instead of the
    /// i440fx PC; a virtio disk then has its DMA translated too (iommu_platform=on).</summary>
    public bool Iommu { get; init; }

    /// <summary>A network card on QEMU's user network, restricted so no packet leaves the
    /// emulator (restrict=on): its device model ("virtio-net-pci", "e1000"), or null for none.
    /// The guest gets 10.0.2.15 by DHCP and reaches the gateway 10.0.2.2.</summary>
    public string? Nic { get; init; }

    /// <summary>The <see cref="Nic"/>'s network back end instead of the restricted user network,
    /// as QEMU's -netdev takes it without the id: "dgram,local.type=inet,..." puts each frame in
    /// a UDP datagram to a test's own socket, which plays the network.</summary>
    public string? NicBackend { get; init; }

    /// <summary>Forwarding rules added to the <see cref="Nic"/>'s user network, as QEMU writes
    /// them: "hostfwd=tcp:127.0.0.1:8080-:80" (a host port to the guest's), or
    /// "guestfwd=tcp:10.0.2.100:53-tcp:127.0.0.1:5353" (a guest address to a host port).
    /// restrict=on leaves explicit rules working.</summary>
    public IReadOnlyList<string> Forwards { get; init; } = [];

    /// <summary>Arguments that attach the boot medium and choose it, instead of the ISO as
    /// CD-ROM ("-cdrom ISO -boot d"): a VMDK on an AHCI controller, or "-boot n" for a network
    /// boot from a real server. Null boots the ISO.</summary>
    public IReadOnlyList<string>? BootMedium { get; init; }

    /// <summary>Further arguments, added last: devices a test builds itself.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>True when <see cref="BootMedium"/> or <see cref="ExtraArguments"/> attach a disk
    /// NexOS mounts (so the boot does not end with the keeper's no-disk line).</summary>
    public bool OtherDisks { get; init; }

    /// <summary>A network namespace to run QEMU in (through `ip netns exec`), where a test's
    /// tap device and servers are; null runs it in the test's own.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>Open QEMU's monitor on a unix socket, <see cref="MonitorSocketPath"/> in the
    /// machine's directory, for sendkey and screendump.</summary>
    public bool Monitor { get; init; }

    /// <summary>Where the monitor's socket is for a machine whose files are in <paramref name="directory"/>.</summary>
    public static string MonitorSocketPath(string directory) => Path.Combine(directory, "monitor.sock");

    /// <summary>Give the guest a second serial port (COM2, the patch line) on a unix socket,
    /// <see cref="PatchSocketPath"/> in the machine's directory.</summary>
    public bool PatchLine { get; init; }

    /// <summary>Where the patch line's socket is for a machine whose files are in <paramref name="directory"/>.</summary>
    public static string PatchSocketPath(string directory) => Path.Combine(directory, "patch.sock");

    /// <summary>
    /// QEMU's arguments: the i440fx PC (q35 with <see cref="Iommu"/>) under TCG with <see cref="Cpus"/> CPUs, the ISO as CD-ROM, COM1 on
    /// stdio, no display, exit instead of reset, and the isa-debug-exit device at 0xf4 that
    /// lets the kernel end the emulator with a status. A command line becomes a FAT disk
    /// written into <paramref name="directory"/>.
    /// </summary>
    public List<string> ToArguments(string iso, string directory)
    {
        var args = new List<string>
        {
            "-machine", Iommu ? "q35" : "pc", "-cpu", "max", "-accel", Cpus > 1 ? "tcg,thread=multi" : "tcg", "-m", Memory,
            "-smp", Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-serial", "stdio", "-display", "none", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        };
        if (Iommu)
        {
            args.AddRange(new[] { "-device", "intel-iommu" });
        }

        if (Pxe)
        {
            // The user-mode network serves the TFTP root; no packet leaves the emulator.
            string root = BootEnvironment.NetbootDirectory();
            args.AddRange(new[]
            {
                "-netdev", $"user,id=n0,tftp={root},bootfile=boot/grub/i386-pc/core.0",
                "-device", "e1000,netdev=n0", "-boot", "n",
            });
        }
        else if (BootMedium != null)
        {
            args.AddRange(BootMedium);
        }
        else
        {
            args.AddRange(new[] { "-cdrom", iso, "-boot", "d" });
        }

        if (PatchLine)
        {
            // After -serial stdio, so COM1 stays the console and this becomes COM2.
            args.Add("-serial");
            args.Add($"unix:{PatchSocketPath(directory)},server=on,wait=off");
        }

        if (CommandLine != null)
        {
            string image = BootEnvironment.CreateCommandLineDisk(directory, CommandLine);
            args.Add("-drive");
            args.Add($"file={image},format=raw,if=ide,index=1");
        }

        if (Monitor)
        {
            args.Add("-monitor");
            args.Add($"unix:{MonitorSocketPath(directory)},server=on,wait=off");
        }

        if (VirtioDisk != null)
        {
            string translated = Iommu ? ",disable-legacy=on,iommu_platform=on" : "";
            args.AddRange(new[] { "-drive", $"file={VirtioDisk},format=raw,if=none,id=disk0", "-device", $"virtio-blk-pci,drive=disk0{translated}" });
        }

        if (Nic != null)
        {
            string forwards = Forwards.Count == 0 ? "" : "," + string.Join(",", Forwards);
            string backend = NicBackend != null ? $"{NicBackend},id=net0" : $"user,id=net0,restrict=on{forwards}";
            args.AddRange(new[] { "-netdev", backend, "-device", $"{Nic},netdev=net0" });
        }
        else if (!Pxe)
        {
            // QEMU gives a machine without network options an e1000 on an open user network:
            // a test without a NIC asked for has none.
            args.AddRange(new[] { "-nic", "none" });
        }

        if (AhciDisk != null)
        {
            args.AddRange(new[]
            {
                "-device", "ahci,id=ahci0",
                "-drive", $"file={AhciDisk},format=raw,if=none,id=sata0", "-device", "ide-hd,drive=sata0,bus=ahci0.0",
            });
        }

        if (Uefi)
        {
            if (!File.Exists(BootEnvironment.OvmfPath))
            {
                Assert.Fail($"{BootEnvironment.OvmfPath} is missing: install the ovmf package (./nexos build does)");
            }

            args.Add("-bios");
            args.Add(BootEnvironment.OvmfPath);
        }

        args.AddRange(ExtraArguments);
        return args;
    }
}
