using System.Globalization;
using System.Text;
using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// `lspci` and `devstart BB:DD.F PROGRAM [ARGS]`, which the shell runs itself as a client of
/// the device manager (its endpoint in slot 3, DeviceProtocol): the first lists the PCI
/// functions, the second starts a driver program with one function's resources.
/// </summary>
internal static class DeviceCommands
{
    private const int DevicesSlot = 3;

    /// <summary>Runs the line if it is one of these commands; false, writing nothing, otherwise.</summary>
    public static bool TryRun(IReadOnlyList<string> words, Action<string> write)
    {
        if (words.Count == 0 || (words[0] != "lspci" && words[0] != "devstart"))
        {
            return false;
        }

        if (words[0] == "lspci")
        {
            List(write);
        }
        else
        {
            Start(words, write);
        }

        return true;
    }

    private static void List(Action<string> write)
    {
        byte[] text = new byte[8192];
        var request = new Message { Label = DeviceProtocol.List };
        SyscallStatus status = Ipc.CallGranting(DevicesSlot, ref request, text, GrantAccess.Write);
        if (status != SyscallStatus.Ok || request.Label != 0)
        {
            write($"lspci: the device manager did not answer (status {(status != SyscallStatus.Ok ? (int)status : (int)request.Label)})\n");
            return;
        }

        write(Encoding.UTF8.GetString(text, 0, (int)Math.Min(request.W0, (ulong)text.Length)));
        write($"{request.W1} PCI functions\n");
    }

    private static void Start(IReadOnlyList<string> words, Action<string> write)
    {
        if (words.Count < 3 || !TryParseAddress(words[1], out ulong address))
        {
            write("usage: devstart BB:DD.F PROGRAM [ARGS] (a PCI function as lspci shows it)\n");
            return;
        }

        var line = new StringBuilder(words[2]);
        for (int i = 3; i < words.Count; i++)
        {
            line.Append(' ').Append(words[i]);
        }

        byte[] command = Encoding.UTF8.GetBytes(line.ToString());
        if (command.Length > DeviceProtocol.MaxCommandLine)
        {
            write($"devstart: the command line is longer than {DeviceProtocol.MaxCommandLine} bytes\n");
            return;
        }

        var request = new Message { Label = DeviceProtocol.Start, W0 = address };
        SyscallStatus status = Ipc.CallGranting(DevicesSlot, ref request, command, GrantAccess.Read);
        int failure = status != SyscallStatus.Ok ? (int)status : (int)request.Label;
        write(failure == 0 ? $"started process {request.W0} ({words[2]}) for {words[1]}\n"
            : failure == (int)SyscallStatus.AddressInUse ? $"devstart: {words[1]} already has a driver running; it is not shared\n"
            : $"devstart: cannot start {words[2]} for {words[1]} (status {failure})\n");
    }

    /// <summary>Parses `BB:DD.F` (hexadecimal bus and device, function 0-7).</summary>
    private static bool TryParseAddress(string text, out ulong address)
    {
        address = 0;
        string[] parts = text.Split(':', '.');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int bus) || bus is < 0 or > 255
            || !int.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int device) || device is < 0 or > 31
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int function) || function is < 0 or > 7)
        {
            return false;
        }

        address = DeviceProtocol.Address(bus, device, function);
        return true;
    }
}
