using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Platform;
using NexOS.Kernel.Processes;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// Device calls for drivers in user space: port reads and writes inside a port-range
/// capability, and interrupt lines delivered as notification bits. Each needs the
/// capability's Signal right (the right to use the device).
/// </summary>
internal static class SyscallDevices
{
    public static long PortRead(KernelThread me, ulong slot, ulong port, ulong width)
    {
        PortRange? range = SyscallCapabilities.Find<PortRange>(me, slot, IpcRights.Signal, CapabilityKind.PortRange, out long error);
        if (range == null)
        {
            return error;
        }

        if (!range.Allows(port, width))
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        return width switch
        {
            1 => Native.InB((ushort)port),
            2 => Native.InW((ushort)port),
            _ => Native.InD((ushort)port),
        };
    }

    public static long PortWrite(KernelThread me, ulong slot, ulong port, ulong width, ulong value)
    {
        PortRange? range = SyscallCapabilities.Find<PortRange>(me, slot, IpcRights.Signal, CapabilityKind.PortRange, out long error);
        if (range == null)
        {
            return error;
        }

        if (!range.Allows(port, width) || (width < 8 && value >> (int)(width * 8) != 0))
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        switch (width)
        {
            case 1:
                Native.OutB((ushort)port, (byte)value);
                break;
            case 2:
                Native.OutW((ushort)port, (ushort)value);
                break;
            default:
                Native.OutD((ushort)port, (uint)value);
                break;
        }

        return 0;
    }

    public static long InterruptBind(KernelThread me, ulong lineSlot, ulong notificationSlot, ulong bits)
    {
        InterruptLine? line = SyscallCapabilities.Find<InterruptLine>(me, lineSlot, IpcRights.Signal, CapabilityKind.Interrupt, out long error);
        if (line == null)
        {
            return error;
        }

        if (notificationSlot >= (ulong)me.Ipc.Capabilities.Size)
        {
            return SyscallResult.Fail(SyscallStatus.BadCapability);
        }

        IpcStatus status = me.Ipc.Capabilities.Lookup((int)notificationSlot, IpcRights.Wait, out Notification? notification, out _);
        if (status != IpcStatus.Ok || notification == null)
        {
            return SyscallIpc.Result(status);
        }

        if (bits == 0)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        line.Bind(notification, bits);
        return 0;
    }

    public static long InterruptAcknowledge(KernelThread me, ulong slot)
    {
        InterruptLine? line = SyscallCapabilities.Find<InterruptLine>(me, slot, IpcRights.Signal, CapabilityKind.Interrupt, out long error);
        if (line == null)
        {
            return error;
        }

        line.Acknowledge();
        return 0;
    }
}
