using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace NexOS.Bench;

/// <summary>A guest's serial line and when the host read it, in ms since QEMU was started.</summary>
public sealed record TimedLine(double AtMs, string Text);

/// <summary>
/// Runs one QEMU guest with its serial port on stdout, timestamping every line on the host,
/// until the guest exits, a line matches the stop pattern or the timeout passes. QEMU is
/// always killed before this returns, so no run leaves an emulator behind.
/// </summary>
public static class QemuRun
{
    public const string Binary = "qemu-system-x86_64";

    /// <summary>The flags both systems share: software emulation, the same machine, CPU model,
    /// memory and single processor, serial on stdio, no display, no reboot. The machine is
    /// q35, whose AHCI controller the firmware and GRUB read NexOS's ISO through with DMA
    /// (IDE on "pc" moves every word through an emulated port: boot to the prompt took 1.2 s
    /// there against 0.8 s here, 2026-12-07); Linux is loaded by QEMU itself either way.</summary>
    public static IReadOnlyList<string> CommonArguments { get; } =
    [
        "-machine", "q35", "-cpu", "max", "-accel", "tcg", "-m", "256M", "-smp", "1",
        "-display", "none", "-no-reboot", "-serial", "stdio", "-monitor", "none",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    ];

    public static List<TimedLine> Run(IEnumerable<string> guestArguments, Regex? stopAt, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in CommonArguments.Concat(guestArguments))
        {
            info.ArgumentList.Add(a);
        }

        var lines = new List<TimedLine>();
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + Binary);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                Task<string?> read = process.StandardOutput.ReadLineAsync();
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !read.Wait(left))
                {
                    lines.Add(new TimedLine(clock.Elapsed.TotalMilliseconds, "nexos-bench: timed out"));
                    break;
                }

                if (read.Result == null)
                {
                    break;
                }

                string text = read.Result.TrimEnd('\r');
                lines.Add(new TimedLine(clock.Elapsed.TotalMilliseconds, text));
                if (stopAt != null && stopAt.IsMatch(text))
                {
                    break;
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit();
        }

        return lines;
    }
}
