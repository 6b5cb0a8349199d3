using System.Text;

namespace NexOS.Services.Shell;

/// <summary>
/// The commands every NexOS shell has. Numbers are formatted with integer arithmetic, so the
/// output is the same on the host and in the kernel whatever the culture settings.
/// </summary>
public static class BuiltinCommands
{
    private const ulong Mebibyte = 1024 * 1024;

    /// <summary>Registers help, version, uptime, mem, echo, shutdown, reboot and panic.</summary>
    public static void RegisterAll(Shell shell)
    {
        shell.Register("help", "list the commands", (host, _) => Help(shell, host));
        shell.Register("version", "show the NexOS version", static (host, _) => host.Write("NexOS " + host.Version + "\n"));
        shell.Register("uptime", "show the time since boot", static (host, _) => host.Write(FormatUptime(host.Uptime) + "\n"));
        shell.Register("mem", "show physical memory: total, used and free", static (host, _) => Memory(host));
        shell.Register("echo", "print the arguments, separated by single spaces", static (host, args) => Echo(host, args));
        shell.Register("shutdown", "power the machine off", static (host, _) => Shutdown(host));
        shell.Register("reboot", "reset the machine", static (host, _) => Reboot(host));
        shell.Register("panic", "raise an unhandled exception (tests the crash report)", static (host, _) => host.Panic());
    }

    /// <summary>Formats an uptime as "up H h M min S.mmm s". Negative spans count as zero.</summary>
    public static string FormatUptime(TimeSpan uptime)
    {
        long ms = uptime.Ticks <= 0 ? 0 : uptime.Ticks / TimeSpan.TicksPerMillisecond;
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        long seconds = ms / 1000 % 60;
        return "up " + hours + " h " + minutes + " min " + seconds + "." + Digits((ulong)(ms % 1000), 3) + " s";
    }

    /// <summary>Formats a byte count in MiB with two decimals, rounded to nearest ("1.50").</summary>
    public static string FormatMebibytes(ulong bytes)
    {
        ulong whole = bytes / Mebibyte;
        ulong hundredths = ((bytes % Mebibyte * 100) + (Mebibyte / 2)) / Mebibyte;
        if (hundredths == 100)
        {
            whole++;
            hundredths = 0;
        }

        return whole + "." + Digits(hundredths, 2);
    }

    private static void Help(Shell shell, IShellHost host)
    {
        List<ShellCommand> commands = shell.Commands();
        int width = 0;
        foreach (ShellCommand command in commands)
        {
            width = Math.Max(width, command.Name.Length);
        }

        var text = new StringBuilder();
        foreach (ShellCommand command in commands)
        {
            text.Append("  ").Append(command.Name).Append(' ', width - command.Name.Length + 2).Append(command.Summary).Append('\n');
        }

        host.Write(text.ToString());
    }

    private static void Memory(IShellHost host)
    {
        MemoryStats stats = host.Memory;
        host.Write(MemoryLine("total", stats.TotalBytes) + MemoryLine("used", stats.UsedBytes) + MemoryLine("free", stats.FreeBytes));
        if (!string.IsNullOrEmpty(stats.Details))
        {
            host.Write(stats.Details.EndsWith('\n') ? stats.Details : stats.Details + "\n");
        }
    }

    private static string MemoryLine(string label, ulong bytes)
    {
        string mib = FormatMebibytes(bytes);
        return label.PadRight(6) + mib.PadLeft(10) + " MiB (" + bytes + " bytes)\n";
    }

    private static void Echo(IShellHost host, ReadOnlySpan<string> args)
    {
        var text = new StringBuilder();
        for (int i = 0; i < args.Length; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(args[i]);
        }

        host.Write(text.Append('\n').ToString());
    }

    private static void Shutdown(IShellHost host)
    {
        host.Write("powering off\n");
        host.Shutdown();
        host.Write("error: the machine did not power off\n");
    }

    private static void Reboot(IShellHost host)
    {
        host.Write("rebooting\n");
        host.Reboot();
        host.Write("error: the machine did not reset\n");
    }

    private static string Digits(ulong value, int width) => value.ToString().PadLeft(width, '0');
}
