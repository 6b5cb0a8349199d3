using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using NexOS.Bench;

// ./nexos bench calls this with the ISO, the cmdline disk, the Linux guest and where to write:
//   --iso P --cmdline-disk P --linux DIR --runs N --results DIR --doc P --template P --charts DIR
//   [--alloc P]  (alloc.json from bench/NexOS.AllocBench, added to the report)
var opts = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    opts[args[i].TrimStart('-')] = args[i + 1];
}

string Need(string key) => opts.TryGetValue(key, out string? v) ? v : throw new ArgumentException($"missing --{key}");
int runs = int.Parse(Need("runs"), CultureInfo.InvariantCulture);
string linux = Need("linux");
var timeout = TimeSpan.FromMinutes(3);
var json = new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

List<string> nexosBench = ["-cdrom", Need("iso"), "-boot", "d", "-drive", $"file={Need("cmdline-disk")},format=raw,if=ide,index=1"];
List<string> nexosBoot = ["-cdrom", Need("iso"), "-boot", "d"];
// Debian's kernel as shipped; `quiet` because NexOS prints a handful of lines while booting and
// a serial console at full kernel verbosity would time the UART, not the kernel.
List<string> linuxGuest = ["-kernel", Path.Combine(linux, "vmlinuz"), "-initrd", Path.Combine(linux, "initramfs.gz"),
    "-append", "console=ttyS0 quiet panic=-1"];

// The network figures: the same virtio NIC on the same restricted user network, the host
// driving both guests through loopback forwards (bench/NexOS.Bench/NetBench.cs); Linux boots
// with nexos.net, which makes its /init set up the NIC and serve instead of benchmarking.
List<string> linuxNetGuest = ["-kernel", Path.Combine(linux, "vmlinuz"), "-initrd", Path.Combine(linux, "initramfs.gz"),
    "-append", "console=ttyS0 quiet panic=-1 nexos.net"];

// The storage figures: both systems get the same virtio disk, a fresh copy each boot. NexOS
// boots as a user would and is asked at its prompt to run `diskbench`; Linux's /init runs its
// disk program after the others (bench/linux/init.sh).
string diskWork = Path.Combine(Path.GetTempPath(), $"nexos-bench-disk-{Environment.ProcessId}");
Directory.CreateDirectory(diskWork);
string diskTemplate = Path.Combine(diskWork, "template.img");
BenchDisk.MakeTemplate(diskTemplate);
string diskCopy = Path.Combine(diskWork, "run.img");
List<string> nexosDisk = [.. nexosBoot, .. BenchDisk.Arguments(diskCopy)];
List<string> linuxWithDisk = [.. linuxGuest, .. BenchDisk.Arguments(diskCopy)];

var nexosRuns = new List<Dictionary<string, BenchLine>>();
var linuxRuns = new List<Dictionary<string, BenchLine>>();
var logs = new List<object>();

// The systems take turns, so a change in the machine's load during the run hits both alike.
for (int run = 1; run <= runs; run++)
{
    Console.Error.WriteLine($"bench: run {run}/{runs}: NexOS");
    // Until the kernel exits the emulator after its last figure: the kernel's own benchmarks
    // and the user programs' (ubench) print in one boot, in an order this does not assume.
    List<TimedLine> benchLines = QemuRun.Run(nexosBench, null, timeout);
    List<TimedLine> bootLines = QemuRun.Run(nexosBoot, null, timeout, Figures.NexOSShellPrompt());
    BenchDisk.Fresh(diskTemplate, diskCopy);
    List<TimedLine> diskLines = QemuRun.Run(nexosDisk, Figures.NexOSDiskDone(), timeout, Figures.NexOSShellPrompt(), "diskbench");
    int ports = NetBench.FreePorts();
    List<BenchLine> nexosNet = [];
    List<TimedLine> netLines = QemuRun.Run([.. nexosBoot, .. NetBench.Arguments(ports)], Figures.NetReady(), timeout, Figures.NexOSShellPrompt(),
        ["dhcp 30", "ping -c 20 10.0.2.2", "netbench"], () => nexosNet = NetBench.Measure(ports));
    Dictionary<string, BenchLine> nexos = Figures.Benchmarks(benchLines.Concat(diskLines));
    AddNetwork(nexos, nexosNet, netLines);
    if (!Figures.AddBoot(nexos, bootLines, Figures.NexOSReady(), 1, Figures.NexOSShellPrompt()))
    {
        Console.Error.WriteLine("bench: NexOS never printed its prompt");
    }

    nexosRuns.Add(nexos);
    Console.Error.WriteLine($"bench: run {run}/{runs}: Linux");
    BenchDisk.Fresh(diskTemplate, diskCopy);
    List<TimedLine> linuxLines = QemuRun.Run(linuxWithDisk, Figures.LinuxDone(), timeout);
    Dictionary<string, BenchLine> lx = Figures.Benchmarks(linuxLines);
    ports = NetBench.FreePorts();
    List<BenchLine> linuxNet = [];
    List<TimedLine> linuxNetLines = QemuRun.Run([.. linuxNetGuest, .. NetBench.Arguments(ports)], Figures.NetReady(), timeout, null, [], () => linuxNet = NetBench.Measure(ports));
    AddNetwork(lx, linuxNet, linuxNetLines);
    if (!Figures.AddBoot(lx, linuxLines, Figures.LinuxFirstLine(), 1000))
    {
        Console.Error.WriteLine("bench: Linux never reached userspace");
    }

    linuxRuns.Add(lx);
    logs.Add(new { run, nexosBench = benchLines, nexosBoot = bootLines, nexosDisk = diskLines, nexosNet = netLines, linux = linuxLines, linuxNet = linuxNetLines });
    foreach (BenchLine b in nexos.Values.Concat(lx.Values))
    {
        Console.Error.WriteLine($"  {b}");
    }
}

Directory.Delete(diskWork, recursive: true);
List<Comparison> comparisons = Suite.Compare(nexosRuns, linuxRuns);
Machine machine = Machine.Describe(runs, linux);
string results = Need("results");
Directory.CreateDirectory(results);
File.WriteAllText(Path.Combine(results, "qemu.json"), JsonSerializer.Serialize(new { machine, comparisons, nexosRuns, linuxRuns }, json));
File.WriteAllText(Path.Combine(results, "qemu-serial.json"), JsonSerializer.Serialize(logs, json));

List<AllocResult> alloc = opts.TryGetValue("alloc", out string? allocPath) && File.Exists(allocPath)
    ? JsonSerializer.Deserialize<List<AllocResult>>(File.ReadAllText(allocPath), json) ?? []
    : [];
string charts = Need("charts");
Directory.CreateDirectory(charts);
string work = Path.Combine(Path.GetTempPath(), "nexos-bench-plots");
bool plotted = Report.QemuChart(comparisons, work, Path.GetFullPath(Path.Combine(charts, "qemu.png")));
plotted &= alloc.Count == 0 || Report.AllocChart(alloc, work, Path.GetFullPath(Path.Combine(charts, "alloc.png")));
if (!plotted)
{
    Console.Error.WriteLine("bench: gnuplot failed; the report has no fresh charts");
}

string doc = File.ReadAllText(Need("template"))
    .Replace("{{machine}}", machine.ToMarkdown(), StringComparison.Ordinal)
    .Replace("{{qemu}}", Report.QemuTable(comparisons), StringComparison.Ordinal)
    .Replace("{{storage}}", Report.StorageTable(comparisons), StringComparison.Ordinal)
    .Replace("{{network}}", Report.NetworkTable(comparisons), StringComparison.Ordinal)
    .Replace("{{alloc}}", alloc.Count == 0 ? "_Not run._\n" : Report.AllocTable(alloc), StringComparison.Ordinal)
    .Replace("{{targets}}", Targets.Markdown(Targets.Check(comparisons, alloc)), StringComparison.Ordinal);
File.WriteAllText(Need("doc"), doc);
Console.Out.Write(Report.QemuTable(comparisons));
Console.Out.Write(Report.StorageTable(comparisons));
Console.Out.Write(Report.NetworkTable(comparisons));
if (alloc.Count > 0)
{
    Console.Out.Write(Report.AllocTable(alloc));
}

Console.Out.Write(Targets.Markdown(Targets.Check(comparisons, alloc)));

return 0;

// The host's measurements and the guest's ping, as figures of the run.
static void AddNetwork(Dictionary<string, BenchLine> figures, List<BenchLine> measured, List<TimedLine> lines)
{
    foreach (BenchLine b in measured)
    {
        figures[b.Name] = b;
    }

    if (NetBench.Ping(lines) is BenchLine ping)
    {
        figures[ping.Name] = ping;
    }
}

/// <summary>What produced the figures: the host, its load, QEMU and the Linux guest.</summary>
internal sealed record Machine(string Date, int Cpus, string CpuModel, string HostKernel, string LoadAverage, string Qemu, string LinuxGuest, int Runs)
{
    public static Machine Describe(int runs, string linuxDir)
    {
        string cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        string versionFile = Path.Combine(linuxDir, "kernel-version");
        return new Machine(
            DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            Environment.ProcessorCount,
            cpu,
            File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            File.ReadAllText("/proc/loadavg").Trim(),
            FirstLine(QemuRun.Binary, "--version"),
            File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : "unknown",
            runs);
    }

    public string ToMarkdown() =>
        $"""
        - Date: {Date}; {Runs} runs of each system, taking turns
        - Host: {Cpus} CPUs, {CpuModel}, Linux {HostKernel}; load average at the end (1, 5, 15 min): {LoadAverage}
        - QEMU: {Qemu}
        - Linux guest: Debian kernel {LinuxGuest} (package linux-image-amd64), busybox-static initramfs

        """;

    private static string FirstLine(string file, string arg)
    {
        try
        {
            using Process p = Process.Start(new ProcessStartInfo(file, arg) { RedirectStandardOutput = true })!;
            string first = p.StandardOutput.ReadLine() ?? "";
            p.WaitForExit();
            return Regex.Replace(first, @"\s+", " ").Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
