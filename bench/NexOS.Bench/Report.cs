using System.Globalization;
using System.Text;

namespace NexOS.Bench;

/// <summary>The Markdown tables and gnuplot charts of docs/benchmarks.md.</summary>
public static class Report
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>A figure with 3 significant digits, "-" for none.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "-";
        }

        double magnitude = Math.Abs(value);
        string text = magnitude >= 100 ? Math.Round(value).ToString("#,0", s_inv)
            : magnitude >= 10 ? value.ToString("0.0", s_inv)
            : value.ToString("0.00", s_inv);
        return text;
    }

    /// <summary>The QEMU table: one row per comparison, "not measured" for a side without a
    /// figure, and whether the row compares like with like (and if not, why not).</summary>
    public static string QemuTable(IReadOnlyList<Comparison> comparisons)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| measurement | unit | NexOS median | NexOS p99 | NexOS spread | Linux median | Linux p99 | Linux spread | ratio NexOS/Linux | | like with like |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (Comparison c in comparisons)
        {
            sb.Append(s_inv, $"| {c.Label} (`{c.NexOSBench}` / `{c.LinuxBench}`) | {c.Unit} | ");
            sb.Append(Side(c.NexOS)).Append(Side(c.Linux));
            string flags = c.NexOS == null || c.Linux == null ? ""
                : (c.Unclear ? "spread > difference" : "") + (c.TailUnclear && !c.Unclear ? "p99: spread > difference" : "");
            sb.Append(Format(c.Ratio)).Append(" | ").Append(flags).Append(" | ");
            sb.Append(c.LikeWithLike ? "yes" : "no: " + c.NotLikeWithLike).AppendLine(" |");
        }

        return sb.ToString();
    }

    /// <summary>The storage figures as throughputs, from each system's median time per
    /// operation: MB/s (10^6 bytes) for the 64 KiB transfers, operations per second for the
    /// rest; the last column is NexOS's throughput over Linux's (above 1 NexOS is faster).</summary>
    public static string StorageTable(IReadOnlyList<Comparison> comparisons) => RateTable(comparisons,
    [
        ("disk_seq_write", "MB/s", 65536), ("disk_seq_read", "MB/s", 65536),
        ("disk_rand_read_qd1", "IOPS", 0), ("disk_rand_read_qd32", "IOPS", 0), ("file_cycle", "cycles/s", 0),
    ]);

    /// <summary>The network figures as throughputs, from the median times: MB/s for the TCP
    /// transfers (per 64 KiB), connections, requests and round trips per second for the rest.</summary>
    public static string NetworkTable(IReadOnlyList<Comparison> comparisons) => RateTable(comparisons,
    [
        ("net_tcp_upload", "MB/s", 65536), ("net_tcp_download", "MB/s", 65536),
        ("net_tcp_connect", "connections/s", 0), ("net_http_get", "requests/s", 0), ("net_ping_rtt", "round trips/s", 0),
    ]);

    private static string RateTable(IReadOnlyList<Comparison> comparisons, (string Bench, string Unit, double Bytes)[] rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| measurement | unit | NexOS | Linux | NexOS / Linux |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: |");
        foreach ((string bench, string unit, double bytes) in rows)
        {
            Comparison? c = comparisons.FirstOrDefault(x => x.NexOSBench == bench);
            if (c == null)
            {
                continue;
            }

            double nexos = Rate(c.NexOS, bytes), linux = Rate(c.Linux, bytes);
            string ratio = double.IsNaN(nexos) || double.IsNaN(linux) ? "-" : Format(nexos / linux);
            sb.AppendLine(s_inv, $"| {c.Label} | {unit} | {(double.IsNaN(nexos) ? "not measured" : Format(nexos))} | {(double.IsNaN(linux) ? "not measured" : Format(linux))} | {ratio} |");
        }

        return sb.ToString();
    }

    // Bytes (or one operation when 0) per median operation time, per second.
    private static double Rate(Summary? s, double bytes) => s == null || s.Median <= 0
        ? double.NaN
        : (bytes > 0 ? bytes / 1e6 : 1) * 1e9 / s.Median;

    private static string Side(Summary? s) => s == null
        ? "not measured | - | - | "
        : $"{Format(s.Median)} | {Format(s.P99)} | {Format(s.SpreadLow)}–{Format(s.SpreadHigh)} | ";

    public static string AllocTable(IReadOnlyList<AllocResult> results)
    {
        var sb = new StringBuilder();
        List<string> allocators = results.Select(r => r.Allocator).Distinct().ToList();
        sb.Append("| trace |");
        foreach (string a in allocators)
        {
            sb.Append(s_inv, $" {a} ns/op | {a} peak KiB held / resident |");
        }

        sb.AppendLine(" NexOS / mimalloc (time) |");
        sb.Append("| --- |").Append(string.Concat(Enumerable.Repeat(" ---: | ---: |", allocators.Count))).AppendLine(" ---: |");
        foreach (string trace in results.Select(r => r.Trace).Distinct())
        {
            sb.Append(s_inv, $"| {trace} |");
            foreach (string a in allocators)
            {
                AllocResult? r = results.FirstOrDefault(x => x.Trace == trace && x.Allocator == a);
                sb.Append(r == null ? " - | - |" : $" {Format(r.NsPerOp)} ± {Format(r.ErrorNs)} | {Format(r.PeakBytes / 1024.0)} / {Format(r.PeakResidentBytes / 1024.0)} |");
            }

            sb.Append(' ').Append(Format(AllocRatio(results, trace, "NexOS", "mimalloc"))).AppendLine(" |");
        }

        return sb.ToString();
    }

    /// <summary>Time per operation of <paramref name="a"/> over <paramref name="b"/> on one
    /// trace; NaN when either is missing.</summary>
    public static double AllocRatio(IReadOnlyList<AllocResult> results, string trace, string a, string b)
    {
        AllocResult? x = results.FirstOrDefault(r => r.Trace == trace && r.Allocator == a);
        AllocResult? y = results.FirstOrDefault(r => r.Trace == trace && r.Allocator == b);
        return x == null || y == null || y.NsPerOp <= 0 ? double.NaN : x.NsPerOp / y.NsPerOp;
    }

    /// <summary>Writes the gnuplot data and script for the QEMU chart (µs, log scale, run
    /// spread as error bars) and runs gnuplot; false when gnuplot failed.</summary>
    public static bool QemuChart(IReadOnlyList<Comparison> comparisons, string workDir, string png)
    {
        var data = new StringBuilder();
        foreach (Comparison c in comparisons.Where(c => c.NexOS != null && c.Linux != null))
        {
            double scale = c.Unit == "ms" ? 1000 : 0.001;
            data.AppendLine(string.Create(s_inv,
                $"\"{c.Short}\" {c.NexOS!.Median * scale} {c.NexOS.SpreadLow * scale} {c.NexOS.SpreadHigh * scale} {c.Linux!.Median * scale} {c.Linux.SpreadLow * scale} {c.Linux.SpreadHigh * scale}"));
        }

        string script = $"""
            set terminal pngcairo size 1100,520 font "sans,10"
            set output '{png}'
            set title "NexOS and Linux 6.1 in the same QEMU (TCG, -cpu max, 256 MiB, 1 CPU): median of runs, bars = min-max of run medians"
            set ylabel "microseconds (log scale), lower is better"
            set logscale y
            set style data histogram
            set style histogram errorbars gap 2 lw 1
            set style fill solid 0.7 border -1
            set xtics rotate by -30
            set key top left
            set grid ytics
            plot 'qemu.dat' using 2:3:4:xtic(1) title "NexOS", '' using 5:6:7 title "Linux"
            """;
        return Gnuplot(workDir, "qemu", data.ToString(), script);
    }

    /// <summary>The allocator chart: ns per operation per trace, one bar per allocator.</summary>
    public static bool AllocChart(IReadOnlyList<AllocResult> results, string workDir, string png)
    {
        List<string> allocators = results.Select(r => r.Allocator).Distinct().ToList();
        var data = new StringBuilder();
        foreach (string trace in results.Select(r => r.Trace).Distinct())
        {
            data.Append('"').Append(trace).Append('"');
            foreach (string a in allocators)
            {
                AllocResult? r = results.FirstOrDefault(x => x.Trace == trace && x.Allocator == a);
                data.Append(' ').Append((r?.NsPerOp ?? double.NaN).ToString(s_inv));
            }

            data.AppendLine();
        }

        string plots = string.Join(", ", allocators.Select((a, i) => $"'alloc.dat' using {i + 2}{(i == 0 ? ":xtic(1)" : "")} title \"{a}\""));
        string script = $"""
            set terminal pngcairo size 900,450 font "sans,10"
            set output '{png}'
            set title "Allocators on the host, same request traces: ns per operation (lower is better)"
            set ylabel "ns per operation"
            set style data histogram
            set style histogram clustered gap 2
            set style fill solid 0.7 border -1
            set key top left
            set grid ytics
            set yrange [0:*]
            plot {plots}
            """;
        return Gnuplot(workDir, "alloc", data.ToString(), script);
    }

    private static bool Gnuplot(string workDir, string name, string data, string script)
    {
        Directory.CreateDirectory(workDir);
        File.WriteAllText(Path.Combine(workDir, name + ".dat"), data);
        File.WriteAllText(Path.Combine(workDir, name + ".gp"), script + "\n");
        var info = new ProcessStartInfo("gnuplot", name + ".gp") { WorkingDirectory = workDir, UseShellExecute = false };
        try
        {
            using Process p = Process.Start(info)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
