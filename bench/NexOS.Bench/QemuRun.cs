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
        // No NIC unless a figure asks for one: QEMU's default (an e1000e on q35) would give
        // NexOS a network driver and a DHCP exchange during figures that are not about the network.
        "-nic", "none",
    ];

    /// <summary>Runs the guest until it exits, a line matches <paramref name="stopAt"/>, the
    /// unfinished last line matches <paramref name="prompt"/> (a prompt waiting for input),
    /// or <paramref name="timeout"/> passes. With <paramref name="typeAtPrompt"/>, the first
    /// prompt is answered with that line (typed, then Enter) instead of stopping the run.
    /// Each line is stamped with the host time at which the read that completed it returned.</summary>
    public static List<TimedLine> Run(IEnumerable<string> guestArguments, Regex? stopAt, TimeSpan timeout, Regex? prompt = null, string? typeAtPrompt = null) =>
        Run(guestArguments, stopAt, timeout, prompt, typeAtPrompt == null ? [] : [typeAtPrompt], null);

    /// <summary>As the other Run, typing each of <paramref name="typeAtPrompts"/> at a prompt in
    /// turn, and, when a line matches <paramref name="stopAt"/>, calling
    /// <paramref name="atStop"/> while the guest still runs (the host's side of a benchmark)
    /// before stopping it.</summary>
    public static List<TimedLine> Run(IEnumerable<string> guestArguments, Regex? stopAt, TimeSpan timeout, Regex? prompt, IReadOnlyList<string> typeAtPrompts, Action? atStop)
    {
        var typing = new Queue<string>(typeAtPrompts);
        string? typeAtPrompt = typing.Count > 0 ? typing.Dequeue() : null;
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
            var pending = new System.Text.StringBuilder();
            char[] buffer = new char[4096];
            bool stop = false;
            while (!stop)
            {
                Task<int> read = process.StandardOutput.ReadAsync(buffer, 0, buffer.Length);
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !read.Wait(left))
                {
                    lines.Add(new TimedLine(clock.Elapsed.TotalMilliseconds, "nexos-bench: timed out"));
                    break;
                }

                if (read.Result == 0)
                {
                    break;
                }

                double at = clock.Elapsed.TotalMilliseconds;
                for (int i = 0; i < read.Result && !stop; i++)
                {
                    if (buffer[i] != '\n')
                    {
                        pending.Append(buffer[i]);
                        continue;
                    }

                    stop = Emit(lines, at, pending, stopAt);
                }

                if (stop && atStop != null)
                {
                    atStop();
                }

                // A prompt waits for input without ending its line: it counts as a line too.
                if (!stop && prompt != null && prompt.IsMatch(pending.ToString()))
                {
                    stop = Emit(lines, at, pending, typeAtPrompt == null ? prompt : null);
                    if (typeAtPrompt != null)
                    {
                        process.StandardInput.Write(typeAtPrompt + "\r");
                        process.StandardInput.Flush();
                        typeAtPrompt = typing.Count > 0 ? typing.Dequeue() : null;
                        prompt = typeAtPrompt == null ? null : prompt;
                    }
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

    private static bool Emit(List<TimedLine> lines, double at, System.Text.StringBuilder pending, Regex? stopAt)
    {
        string text = pending.ToString().TrimEnd('\r');
        pending.Clear();
        lines.Add(new TimedLine(at, text));
        return stopAt != null && stopAt.IsMatch(text);
    }
}
