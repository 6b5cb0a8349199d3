using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Platform;
using NexOS.Kernel.Processes;
using NexOS.Core.Loader;
using NexOS.Core.Paging;
using NexOS.Core.Processes;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Ipc;
using NexOS.Kernel.Memory;

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

    /// <summary>MmioMap: maps the capability's whole window, uncached; returns the address.</summary>
    public static long MmioMap(Process process, KernelThread me, ulong slot, ulong hint)
    {
        MmioRange? range = SyscallCapabilities.Find<MmioRange>(me, slot, IpcRights.Signal, CapabilityKind.Mmio, out long error);
        if (range == null)
        {
            return error;
        }

        if ((hint & (AddressSpace.PageSize - 1)) != 0)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        return ProcessMemory.MapDevice(process, hint, range.Physical, range.Length);
    }

    /// <summary>DmaAllocate: contiguous zeroed memory for the device the MMIO capability
    /// names; its physical start is copied to <paramref name="physicalOut"/> (8 bytes).</summary>
    public static long DmaAllocate(Process process, KernelThread me, ulong slot, ulong length, ulong physicalOut)
    {
        MmioRange? range = SyscallCapabilities.Find<MmioRange>(me, slot, IpcRights.Signal, CapabilityKind.Mmio, out long error);
        if (range == null)
        {
            return error;
        }

        // Check the out pointer before anything is allocated, so a bad one costs nothing.
        if (!UserCopy.Writable(process, physicalOut, sizeof(ulong)))
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        // With an IOMMU, a device reaches only what is mapped for it: DMA memory needs a
        // window that names its PCI function.
        if (Iommu.IsActive && range.SourceId < 0)
        {
            return SyscallResult.Fail(SyscallStatus.NoRights);
        }

        long address = ProcessMemory.MapDma(process, 0, length, range.SourceId, out ulong physical);
        if (address < 0)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, physical);
        if (UserCopy.Out(process, physicalOut, bytes) != UserAccessStatus.Ok)
        {
            ProcessMemory.Unmap(process, (ulong)address, (length + AddressSpace.PageSize - 1) & ~(AddressSpace.PageSize - 1));
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        return address;
    }

    /// <summary>
    /// MessageInterruptCreate: an interrupt capability for message entry
    /// <paramref name="index"/> (0-7) of the device the MMIO capability names, and the message
    /// the device must send for it, written to <paramref name="messageOut"/> as two 8-byte
    /// words: the address (this CPU's local APIC) and the data (the vector, edge triggered).
    /// Asking again for the same entry gives a new capability to the same vector, so a
    /// restarted driver uses nothing up. BadArgument for an index out of range, NotImplemented
    /// without a local APIC (messages go nowhere else), LimitReached when the vectors have run
    /// out or the capability table is full, BadAddress when the message cannot be written
    /// (checked before a vector is taken).
    /// </summary>
    public static long CreateMessageInterrupt(Process process, KernelThread me, ulong slot, ulong index, ulong messageOut)
    {
        MmioRange? range = SyscallCapabilities.Find<MmioRange>(me, slot, IpcRights.Signal, CapabilityKind.Mmio, out long error);
        if (range == null)
        {
            return error;
        }

        if (index >= MessageVectors.EntriesPerDevice)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        if (!LocalApic.IsEnabled)
        {
            return SyscallResult.Fail(SyscallStatus.NotImplemented);
        }

        if (!UserCopy.Writable(process, messageOut, 2 * sizeof(ulong)))
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        MessageVectorStatus claimed = InterruptLine.ForMessage(range.Physical, (int)index, out InterruptLine? line);
        if (claimed != MessageVectorStatus.Ok || line == null)
        {
            return SyscallResult.Fail(claimed == MessageVectorStatus.BadIndex ? SyscallStatus.BadArgument : SyscallStatus.LimitReached);
        }

        Span<byte> message = stackalloc byte[2 * sizeof(ulong)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(message, LocalApic.MessageAddress);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(message[sizeof(ulong)..], (ulong)line.Irq);
        if (UserCopy.Out(process, messageOut, message) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        return Give(me, line.ToHandle());
    }

    /// <summary>DeviceMmioCreate: an MMIO capability (Signal) for a window the authority's
    /// rules allow, of the PCI function <paramref name="function"/> names (bit 16 set, its
    /// requester ID in bits 0-15; 0 for none): BadArgument for a malformed range or function,
    /// NoRights for RAM or a kernel device.</summary>
    public static long CreateMmio(KernelThread me, ulong slot, ulong physical, ulong length, ulong function)
    {
        DeviceAuthority? authority = SyscallCapabilities.Find<DeviceAuthority>(me, slot, IpcRights.Signal, CapabilityKind.DeviceAuthority, out long error);
        if (authority == null)
        {
            return error;
        }

        if (function != 0 && function >> 16 != 1)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        long refused = Refusal(authority.Ranges.CheckMmio(physical, length));
        int sourceId = function == 0 ? -1 : (int)(function & 0xFFFF);
        return refused != 0 ? refused : Give(me, new MmioRange(physical, length, sourceId).ToHandle());
    }

    /// <summary>DevicePortsCreate: a port-range capability, under the same rules.</summary>
    public static long CreatePorts(KernelThread me, ulong slot, ulong first, ulong count)
    {
        DeviceAuthority? authority = SyscallCapabilities.Find<DeviceAuthority>(me, slot, IpcRights.Signal, CapabilityKind.DeviceAuthority, out long error);
        if (authority == null)
        {
            return error;
        }

        long refused = Refusal(DeviceRanges.CheckPorts(first, count));
        return refused != 0 ? refused : Give(me, new PortRange("ports", (ushort)first, (ushort)Math.Min(count, ushort.MaxValue)).ToHandle());
    }

    /// <summary>DeviceInterruptCreate: a capability for ISA line <paramref name="irq"/>
    /// (0-15); NoRights for a line the kernel keeps (the timer, the cascade).</summary>
    public static long CreateInterrupt(KernelThread me, ulong slot, ulong irq)
    {
        DeviceAuthority? authority = SyscallCapabilities.Find<DeviceAuthority>(me, slot, IpcRights.Signal, CapabilityKind.DeviceAuthority, out long error);
        if (authority == null)
        {
            return error;
        }

        if (irq >= 16)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        InterruptLine? line = InterruptLine.For("irq", (int)irq);
        return line == null ? SyscallResult.Fail(SyscallStatus.NoRights) : Give(me, line.ToHandle());
    }

    private static long Refusal(DeviceRangeStatus status) => status switch
    {
        DeviceRangeStatus.Ok => 0,
        DeviceRangeStatus.BadArgument => SyscallResult.Fail(SyscallStatus.BadArgument),
        _ => SyscallResult.Fail(SyscallStatus.NoRights),
    };

    private static long Give(KernelThread me, KernelObjectHandle handle)
    {
        int given = KernelIpc.Grant(me, handle, IpcRights.Signal);
        return given >= 0 ? given : SyscallResult.Fail(SyscallStatus.LimitReached);
    }
}
