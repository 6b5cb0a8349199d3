using NexOS.Abi;
using NexOS.Core.Acpi;
using NexOS.Core.Boot;
using NexOS.Core.Ipc;
using NexOS.Core.Memory;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Commands;
using NexOS.Kernel.Syscalls;

namespace NexOS.Kernel;

/// <summary>
/// Starts the one program the kernel starts, init, and gives it every capability the kernel
/// hands out; init passes each service its share (its manifest is etc/services in the boot
/// archive). Init's slots, in order:
/// 1 boot files, 2 kernel control, 3 COM1's ports, 4 COM1's interrupt line, 5 COM2's ports,
/// 6 COM2's interrupt line, 7 the patch inbox, 8 the kernel log, 9 the device authority,
/// 10 the kernel state, 11 the PS/2 controller's data port (0x60), 12 its command port
/// (0x64), 13 its keyboard's interrupt line (IRQ 1), and 14 the screen, when GRUB left a
/// framebuffer or EGA text mode: its memory as an MMIO capability, described by init's
/// argument `fb=KIND:WIDTHxHEIGHT:PITCH:BPP:OFFSET[:COLOURS]` (user/init/Program.cs names them for the
/// manifest). Handing the screen over stops the kernel's own mirror of its console on it.
/// Starting init hands COM1 over: the kernel stops taking its input and its interrupt, and
/// from then on only writes to it (its log), polled.
/// </summary>
internal static class InitLauncher
{
    /// <summary>The program the kernel starts.</summary>
    public const string InitName = "init";

    private const ushort Com1Base = 0x3F8;
    private const int Com1Irq = 4;
    private const ushort Com2Base = 0x2F8;
    private const int Com2Irq = 3;
    private const ushort KeyboardData = 0x60;
    private const ushort KeyboardControl = 0x64;
    private const int KeyboardIrq = 1;

    /// <summary>The running init, or null.</summary>
    public static Process? Init { get; private set; }

    /// <summary>Starts init; returns false, changing nothing, when there is no init program or
    /// it cannot start (the reason is in <paramref name="error"/>).</summary>
    public static bool TryStart(out string error)
    {
        if (!Boot.BootPrograms.TryFind(InitName, out ReadOnlySpan<byte> file))
        {
            error = "no bin/init in the boot archive";
            return false;
        }

        ulong flags = InterruptState.Disable();
        Interrupts.Release(Com1Irq);
        InterruptLine? line = InterruptLine.For("com1", Com1Irq);
        InterruptLine? line2 = InterruptLine.For("com2", Com2Irq);
        InterruptLine? keyboard = InterruptLine.For("kbd", KeyboardIrq);
        InterruptState.Restore(flags);
        if (line == null || line2 == null || keyboard == null)
        {
            error = "COM1's, COM2's or the keyboard's interrupt line could not be handed out";
            return false;
        }

        var grants = new[]
        {
            new Grant(SyscallBootFiles.Handle, IpcRights.Wait, 0),
            new Grant(KernelCommandService.Handle, IpcRights.Signal, 0),
            new Grant(new PortRange("com1", Com1Base, 8).ToHandle(), IpcRights.Signal, 0),
            new Grant(line.ToHandle(), IpcRights.Signal, 0),
            new Grant(new PortRange("com2", Com2Base, 8).ToHandle(), IpcRights.Signal, 0),
            new Grant(line2.ToHandle(), IpcRights.Signal, 0),
            new Grant(SyscallPatches.Handle, IpcRights.Signal, 0),
            new Grant(SyscallKernelLog.Handle, IpcRights.Wait, 0),
            new Grant(DeviceAuthorityFor().ToHandle(), IpcRights.Signal, 0),
            new Grant(SyscallState.Handle, IpcRights.Signal | IpcRights.Wait, 0), // Wait alone reads the dashboard snapshot
            new Grant(new PortRange("kbd.data", KeyboardData, 1).ToHandle(), IpcRights.Signal, 0),
            new Grant(new PortRange("kbd.ctl", KeyboardControl, 1).ToHandle(), IpcRights.Signal, 0),
            new Grant(keyboard.ToHandle(), IpcRights.Signal, 0),
        };
        var argv = new List<string> { InitName };
        MmioRange? screen = ScreenFor(Kernel.BootInfo.Framebuffer, out string description);
        if (screen != null)
        {
            grants = [.. grants, new Grant(screen.ToHandle(), IpcRights.Signal, 0)];
            argv.Add(description);
        }

        // init and the services it starts run where the kernel console ran: above every
        // workload, so typing stays responsive whatever runs.
        Init = ProcessTable.Spawn(InitName, file, argv, grants, out SyscallStatus status, out error,
            priority: KernelThread.ConsolePriority);
        ScreenHandedOver = Init != null && screen != null;
        return Init != null;
    }

    /// <summary>True while init holds the screen: the kernel leaves it to the console service.</summary>
    public static bool ScreenHandedOver { get; private set; }

    /// <summary>The kernel draws on the screen again (init ended, or a fatal report).</summary>
    public static void TakeScreenBack() => ScreenHandedOver = false;

    /// <summary>The boot framebuffer as an MMIO capability and init's `fb=` argument, or null
    /// when there is none or it is not one the console service can draw on (EGA text, or
    /// 16-, 24- or 32-bit pixels).</summary>
    private static MmioRange? ScreenFor(FramebufferInfo? fb, out string description)
    {
        description = "";
        bool text = fb != null && fb.IsEgaText && fb.BitsPerPixel == 16;
        bool pixels = fb != null && fb.Kind == 1 && fb.BitsPerPixel is 16 or 24 or 32;
        if (fb == null || (!text && !pixels) || fb.Width == 0 || fb.Height == 0 || fb.Pitch == 0 || fb.Width > 8192 || fb.Height > 8192)
        {
            return null;
        }

        ulong first = fb.Address & ~0xFFFUL;
        ulong end = (fb.Address + ((ulong)fb.Pitch * fb.Height) + 0xFFF) & ~0xFFFUL;
        description = $"fb={(text ? "ega" : "rgb")}:{fb.Width}x{fb.Height}:{fb.Pitch}:{fb.BitsPerPixel}:{fb.Address - first:x}";
        if (!text && fb.Colors is FramebufferColors c)
        {
            description += $":{c.RedPosition}.{c.RedSize}.{c.GreenPosition}.{c.GreenSize}.{c.BluePosition}.{c.BlueSize}";
        }
        return new MmioRange(first, end - first);
    }

    /// <summary>The device authority init hands to the device manager: the memory map says
    /// where RAM is, and the kernel keeps the local APIC (and the megabyte around it, where
    /// every CPU's sits), each I/O APIC and each IOMMU.</summary>
    private static DeviceAuthority DeviceAuthorityFor()
    {
        if (DeviceAuthority.Instance == null)
        {
            var kernelDevices = new List<PhysRange> { PhysRange.FromLength(0xFEE0_0000, 0x10_0000) };
            if (LocalApic.PhysicalBase != 0)
            {
                kernelDevices.Add(PhysRange.FromLength(LocalApic.PhysicalBase & ~0xFFFUL, 0x1000));
            }

            if (Kernel.Madt != null)
            {
                foreach (IoApicInfo ioApic in Kernel.Madt.IoApics)
                {
                    kernelDevices.Add(PhysRange.FromLength(ioApic.Address & ~0xFFFUL, 0x1000));
                }
            }

            // Every IOMMU's registers: a driver that could reach them could turn confinement off.
            foreach (NexOS.Core.Iommu.DmarUnit unit in Kernel.Dmar?.Units ?? [])
            {
                kernelDevices.Add(PhysRange.FromLength(unit.RegisterBase, 0x1000));
            }

            DeviceAuthority.Initialize(Kernel.BootInfo.MemoryMap, kernelDevices);
        }

        return DeviceAuthority.Instance!;
    }
}
