using System.Text.Json;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NexOS.AllocBench;
using NexOS.Bench.Alloc;

// dotnet run -c Release -- [--quick] --out alloc.json [--artifacts DIR]
// The peak-memory pass runs each allocator and trace in a process of its own (this program
// with --peak-of TRACE ALLOCATOR): glibc keeps its arena once grown, so a process that has
// already replayed traces would show no growth.
if (args.Length == 3 && args[0] == "--peak-of")
{
    (long held, long resident) = PeakOf(args[2], args[1]);
    Console.WriteLine($"{held} {resident}");
    return 0;
}

bool quick = args.Contains("--quick");
string Option(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

string output = Option("--out", "alloc.json");
string artifacts = Option("--artifacts", Path.Combine(Path.GetTempPath(), "nexos-allocbench"));

// In-process: no generated project to build, and the three allocators share one process as
// the peak-memory pass below does.
// A trace takes milliseconds, so there is no call overhead worth measuring.
Job job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithEvaluateOverhead(false)
    .WithWarmupCount(quick ? 1 : 3).WithIterationCount(quick ? 3 : 15)
    .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(quick ? 100 : 250));
IConfig config = ManualConfig.CreateEmpty().AddJob(job).AddLogger(ConsoleLogger.Default)
    .AddColumnProvider(DefaultColumnProviders.Instance).WithArtifactsPath(artifacts);
Summary summary = BenchmarkRunner.Run<AllocBenchmarks>(config);

var results = new List<object>();
foreach (BenchmarkReport report in summary.Reports)
{
    string trace = (string)report.BenchmarkCase.Parameters["TraceName"];
    string allocator = (string)report.BenchmarkCase.Parameters["Allocator"];
    var stats = report.ResultStatistics;
    (long peak, long resident) = PeakInChild(trace, allocator);
    results.Add(new
    {
        Trace = trace,
        Allocator = allocator,
        NsPerOp = stats?.Mean ?? double.NaN,
        ErrorNs = stats?.ConfidenceInterval.Margin ?? double.NaN,
        PeakBytes = peak,
        PeakResidentBytes = resident,
    });
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, JsonSerializer.Serialize(results, new JsonSerializerOptions
{
    WriteIndented = true,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
}));
Console.Error.WriteLine($"allocbench: wrote {output}");
return summary.Reports.All(r => r.Success) ? 0 : 1;

static (long Held, long Resident) PeakInChild(string trace, string allocator)
{
    var info = new System.Diagnostics.ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
    info.ArgumentList.Add("--peak-of");
    info.ArgumentList.Add(trace);
    info.ArgumentList.Add(allocator);
    using var child = System.Diagnostics.Process.Start(info)!;
    string text = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    string[] figures = text.Trim().Split(' ');
    return child.ExitCode == 0 && figures.Length == 2 && long.TryParse(figures[0], out long held) && long.TryParse(figures[1], out long resident)
        ? (held, resident)
        : (-1, -1);
}

static (long Held, long Resident) PeakOf(string allocator, string traceName)
{
    Trace trace = Trace.Create(traceName);
    var slots = new nint[trace.Slots];
    using IAllocator a = Replayer.Create(allocator, slots);
    return Replayer.PeakBytes(a, trace, slots);
}
