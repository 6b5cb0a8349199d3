using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>A driver's read-only view of its function's PCI configuration space, through the
/// device manager's endpoint badged for that function (DeviceProtocol.ConfigRead), and the
/// one change the manager makes for it there: message interrupts on or off (DeviceProtocol.Messages).</summary>
public static class DeviceConfig
{
    /// <summary>Bytes of the configuration space a driver may read.</summary>
    public const int Length = 256;

    /// <summary>Tells the device manager the driver serves its endpoint now (DeviceProtocol.Ready).</summary>
    public static SyscallStatus ReportReady(int endpoint)
    {
        var message = new Message { Label = DeviceProtocol.Ready };
        SyscallStatus status = Ipc.Call(endpoint, ref message);
        return status != SyscallStatus.Ok ? status : (SyscallStatus)message.Label;
    }

    /// <summary>Asks the device manager to turn message interrupts on for the driver's
    /// function (<paramref name="on"/>: MSI-X, or MSI sending <paramref name="data"/> to
    /// <paramref name="address"/>) or to put it back on its interrupt line (DeviceProtocol.Messages).</summary>
    public static SyscallStatus SetMessages(int endpoint, bool on, ulong address = 0, uint data = 0)
    {
        var message = new Message { Label = DeviceProtocol.Messages, W0 = on ? 1UL : 0, W1 = address, W2 = data };
        SyscallStatus status = Ipc.Call(endpoint, ref message);
        return status != SyscallStatus.Ok ? status : (SyscallStatus)message.Label;
    }

    /// <summary>Reads the whole space into <paramref name="destination"/> (at least
    /// <see cref="Length"/> bytes), four bytes a call; the first failure's status otherwise.</summary>
    public static SyscallStatus ReadAll(int endpoint, Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return SyscallStatus.BadArgument;
        }

        for (int offset = 0; offset < Length; offset += 4)
        {
            var message = new Message { Label = DeviceProtocol.ConfigRead, W0 = (ulong)offset, W1 = 4 };
            SyscallStatus status = Ipc.Call(endpoint, ref message);
            if (status != SyscallStatus.Ok || message.Label != 0)
            {
                return status != SyscallStatus.Ok ? status : (SyscallStatus)message.Label;
            }

            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(offset, 4), (uint)message.W0);
        }

        return SyscallStatus.Ok;
    }
}
