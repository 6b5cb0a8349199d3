using System.Text;
using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>The client side of the kernel's patch inbox (PatchSubmit): a transport that
/// received a patch from outside hands it over and gets the verdict to send back.</summary>
public static class Patches
{
    /// <summary>The longest verdict the kernel copies back.</summary>
    public const int MaxVerdict = 1024;

    /// <summary>Submits <paramref name="patch"/> through the PatchInbox capability in
    /// <paramref name="slot"/>. Returns the kernel's one-line verdict, or a line saying why the
    /// call itself failed (then <paramref name="accepted"/> is false).</summary>
    public static string Submit(int slot, ReadOnlySpan<byte> patch, out bool accepted)
    {
        Span<byte> verdict = stackalloc byte[MaxVerdict];
        long result = SyscallBuffers.PatchSubmit(slot, patch, verdict);
        if (result < 0)
        {
            accepted = false;
            return $"rejected: the kernel refused the submission (status {Syscalls.StatusOf(result)})";
        }

        accepted = (result >> 32) != 0;
        int length = (int)Math.Min(result & 0xFFFF_FFFF, MaxVerdict);
        return Encoding.UTF8.GetString(verdict[..length]);
    }
}

/// <summary>I/O ports through a port-range capability, as the portable drivers expect them
/// (<see cref="NexOS.Core.Hardware.IPortIo"/>). A port outside the capability reads as all
/// ones and ignores writes, as a port with no device behind it does.</summary>
public sealed class PortRangeIo : NexOS.Core.Hardware.IPortIo
{
    private readonly int _slot;

    public PortRangeIo(int slot) => _slot = slot;

    public byte ReadByte(ushort port) => (byte)Read(port, 1, 0xFF);

    public void WriteByte(ushort port, byte value) => Devices.PortWrite(_slot, port, value, 1);

    public ushort ReadUInt16(ushort port) => (ushort)Read(port, 2, 0xFFFF);

    public void WriteUInt16(ushort port, ushort value) => Devices.PortWrite(_slot, port, value, 2);

    public uint ReadUInt32(ushort port) => (uint)Read(port, 4, 0xFFFF_FFFF);

    public void WriteUInt32(ushort port, uint value) => Devices.PortWrite(_slot, port, value, 4);

    private long Read(ushort port, int width, long absent)
    {
        long value = Devices.PortRead(_slot, port, width);
        return value < 0 ? absent : value;
    }
}
