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
}
