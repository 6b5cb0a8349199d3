using NexOS.Abi;
using NexOS.Core.Acpi;
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
/// 10 the kernel state (user/init/Program.cs names them for the manifest).
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
        InterruptState.Restore(flags);
        if (line == null || line2 == null)
        {
            error = "COM1's or COM2's interrupt line could not be handed out";
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
            new Grant(SyscallState.Handle, IpcRights.Signal, 0),
        };
        // init and the services it starts run where the kernel console ran: above every
        // workload, so typing stays responsive whatever runs.
        Init = ProcessTable.Spawn(InitName, file, new[] { InitName }, grants, out SyscallStatus status, out error,
            priority: KernelThread.ConsolePriority);
        return Init != null;
    }

    /// <summary>The device authority init hands to the device manager: the memory map says
    /// where RAM is, and the kernel keeps the local APIC (and the megabyte around it, where
    /// every CPU's sits) and each I/O APIC.</summary>
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

            DeviceAuthority.Initialize(Kernel.BootInfo.MemoryMap, kernelDevices);
        }

        return DeviceAuthority.Instance!;
    }
}
