using System.Globalization;
using System.Text.RegularExpressions;

namespace NexOS.Bench;

/// <summary>Turns one run's serial lines into named figures. Boot times become figures of
/// their own, in ms: boot_guest (the guest's own clock in its boot line) and boot_wall (QEMU
/// start to the prompt, or to that line when there is no later prompt, read on the host).</summary>
public static partial class Figures
{
    public const string BootWall = "boot_wall";
    public const string BootGuest = "boot_guest";

    /// <summary>The kernel's line as it hands over to init: its own clock since kernel entry.</summary>
    [GeneratedRegex(@"ready in (\d+) ms")]
    public static partial Regex NexOSReady();

    /// <summary>The ring-3 shell's prompt, which ends no line: the boot is over.</summary>
    [GeneratedRegex(@"^nexos> $")]
    public static partial Regex NexOSShellPrompt();

    /// <summary>user/diskbench's last line.</summary>
    [GeneratedRegex(@"^diskbench: done")]
    public static partial Regex NexOSDiskDone();

    /// <summary>The line user/netbench and bench/linux/net.c print once they listen.</summary>
    [GeneratedRegex(@"netbench: ready on ports")]
    public static partial Regex NetReady();

    [GeneratedRegex(@"nexos-bench: userspace up, uptime ([0-9.]+) s")]
    public static partial Regex LinuxFirstLine();

    [GeneratedRegex(@"nexos-bench: done")]
    public static partial Regex LinuxDone();

    /// <summary>Every benchmark line, by name (a repeated name keeps its last figure).</summary>
    public static Dictionary<string, BenchLine> Benchmarks(IEnumerable<TimedLine> lines)
    {
        var figures = new Dictionary<string, BenchLine>();
        foreach (TimedLine line in lines)
        {
            if (BenchLine.TryParse(line.Text) is BenchLine b)
            {
                figures[b.Name] = b;
            }
        }

        return figures;
    }

    /// <summary>Adds the boot figures: the guest's own time from the first line matching
    /// <paramref name="marker"/> (its first group, in <paramref name="guestUnitMs"/> ms units),
    /// and the wall time at the first later line matching <paramref name="wallAt"/> (at the
    /// marker's line when null). False, adding nothing, when a line it needs is missing (the
    /// guest did not get there).</summary>
    public static bool AddBoot(Dictionary<string, BenchLine> figures, IEnumerable<TimedLine> lines, Regex marker, double guestUnitMs, Regex? wallAt = null)
    {
        double? guest = null;
        foreach (TimedLine line in lines)
        {
            Match m = guest == null ? marker.Match(line.Text) : Match.Empty;
            if (m.Success)
            {
                guest = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * guestUnitMs;
            }

            if (guest != null && (wallAt == null || wallAt.IsMatch(line.Text)))
            {
                figures[BootWall] = BenchLine.Single(BootWall, "ms", Math.Round(line.AtMs, 1));
                figures[BootGuest] = BenchLine.Single(BootGuest, "ms", Math.Round(guest.Value, 1));
                return true;
            }
        }

        return false;
    }
}
