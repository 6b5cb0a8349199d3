using System.Globalization;
using System.Text.RegularExpressions;

namespace NexOS.Bench;

/// <summary>Turns one run's serial lines into named figures. Boot times become figures of
/// their own, in ms: boot_wall (QEMU start to the line, read on the host) and boot_guest (the
/// guest's own clock at that line).</summary>
public static partial class Figures
{
    public const string BootWall = "boot_wall";
    public const string BootGuest = "boot_guest";

    [GeneratedRegex(@"ready in (\d+) ms")]
    public static partial Regex NexOSPrompt();

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

    /// <summary>Adds the boot figures from the first line matching <paramref name="marker"/>,
    /// whose first group is the guest's own time in <paramref name="guestUnitMs"/> ms units.
    /// False when no line matched (the guest did not get there).</summary>
    public static bool AddBoot(Dictionary<string, BenchLine> figures, IEnumerable<TimedLine> lines, Regex marker, double guestUnitMs)
    {
        foreach (TimedLine line in lines)
        {
            Match m = marker.Match(line.Text);
            if (m.Success)
            {
                figures[BootWall] = BenchLine.Single(BootWall, "ms", Math.Round(line.AtMs, 1));
                double guest = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * guestUnitMs;
                figures[BootGuest] = BenchLine.Single(BootGuest, "ms", Math.Round(guest, 1));
                return true;
            }
        }

        return false;
    }
}
