using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>Device access for drivers: I/O ports inside a port-range capability and
/// interrupt lines delivered as notification bits.</summary>
public static class Devices
{
    /// <summary>Reads <paramref name="width"/> bytes (1, 2 or 4) from <paramref name="port"/>;
    /// a negated status when the capability does not allow it.</summary>
    public static long PortRead(int range, ushort port, int width = 1) =>
        SyscallNative.Call(Syscall.PortRead, (ulong)range, port, (ulong)width);

    /// <summary>Writes <paramref name="value"/> to <paramref name="port"/>.</summary>
    public static SyscallStatus PortWrite(int range, ushort port, uint value, int width = 1) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.PortWrite, (ulong)range, port, (ulong)width, value, 0, 0));

    /// <summary>Delivers the interrupt line as <paramref name="bits"/> on the notification.</summary>
    public static SyscallStatus BindInterrupt(int line, int notification, ulong bits) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.InterruptBind, (ulong)line, (ulong)notification, bits));

    /// <summary>The device has been served: the line may fire again.</summary>
    public static SyscallStatus AcknowledgeInterrupt(int line) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.InterruptAcknowledge, (ulong)line));

    /// <summary>Maps the whole register window an MMIO capability names, uncached; returns
    /// the address, or a negated status.</summary>
    public static long MapMmio(int mmio, ulong hint = 0) =>
        SyscallNative.Call(Syscall.MmioMap, (ulong)mmio, hint);

    /// <summary>Allocates zeroed, physically contiguous memory (at most 4 MiB) for the DMA of
    /// the device <paramref name="mmio"/> names; returns its address (or a negated status) and
    /// its physical start in <paramref name="physical"/>. Give it back with Memory.Unmap.</summary>
    public static long AllocateDma(int mmio, ulong length, out ulong physical) =>
        SyscallBuffers.DmaAllocate(mmio, length, out physical);

    /// <summary>A message signalled interrupt for entry <paramref name="index"/> (0-7) of the
    /// device <paramref name="mmio"/> names: returns the interrupt capability's slot (or a
    /// negated status) and the message the device must send, to be programmed into its MSI-X
    /// table entry or MSI capability. Bind and wait for it like a line; it needs no
    /// acknowledgement.</summary>
    public static long CreateMessageInterrupt(int mmio, int index, out ulong address, out uint data) =>
        SyscallBuffers.MessageInterruptCreate(mmio, index, out address, out data);

    /// <summary>With the device authority: an MMIO capability for [physical, +length) of the
    /// PCI function with requester ID <paramref name="sourceId"/> (bus in bits 8-15, device
    /// 3-7, function 0-2; -1 for a window that is no PCI function's). With an IOMMU, DMA
    /// memory allocated through it is what that function may reach.</summary>
    public static long CreateMmio(int authority, ulong physical, ulong length, int sourceId = -1) =>
        SyscallNative.Call(Syscall.DeviceMmioCreate, (ulong)authority, physical, length, sourceId < 0 ? 0 : (1UL << 16) | (ushort)sourceId, 0, 0);

    /// <summary>With the device authority: a port-range capability for [first, +count).</summary>
    public static long CreatePorts(int authority, ushort first, int count) =>
        SyscallNative.Call(Syscall.DevicePortsCreate, (ulong)authority, first, (ulong)count);

    /// <summary>With the device authority: a capability for ISA interrupt line <paramref name="irq"/>.</summary>
    public static long CreateInterrupt(int authority, int irq) =>
        SyscallNative.Call(Syscall.DeviceInterruptCreate, (ulong)authority, (ulong)irq);
}
