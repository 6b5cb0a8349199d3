using System.Globalization;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// The workloads as processes: `spawn` in the ring-3 shell starts `work` programs through
/// ProcessSpawn; they show in `ps` as ring-3 processes that use the CPU, `kill` (by thread) and
/// `pkill` (by process) end them, and their frames come back. The program's modes run to a
/// limit with `run work MODE LIMIT` and report what they did. Bad spawn lines give one clear
/// error each and start nothing.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class WorkloadBootTests : BootFixture
{
    private static readonly TimeSpan s_run = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(TestBudget)]
    public void SpawnedWorkloadsAreRing3ProcessesThatKillEnds()
    {
        QemuMachine machine = Boot();
        long baseline = WorkloadFrames(RunCommand(machine, "ps"));
        List<string> started = RunCommand(machine, "spawn cpu 2");
        Assert.That(started, Has.Count.EqualTo(1), string.Join("\n", started));
        Match cpu = Regex.Match(started[0], @"^started 2 cpu process\(es\): pid (\d+) (\d+)$");
        Assert.That(cpu.Success, Is.True, started[0]);
        Match io = Regex.Match(RunCommand(machine, "spawn io 1")[0], @"^started 1 io process\(es\): pid (\d+)$");
        Assert.That(io.Success, Is.True);
        string first = cpu.Groups[1].Value, second = cpu.Groups[2].Value, ioPid = io.Groups[1].Value;
        System.Threading.Thread.Sleep(1500);

        List<string> ps = RunCommand(machine, "ps");
        foreach (string pid in new[] { first, second, ioPid })
        {
            Assert.That(ps, Has.Some.Match(@"^\s+" + pid + @" work\s+running\s+1\s+3\s+\d+\s+\d+\s+\d+\s+-$"), "a ring-3 process:\n" + string.Join("\n", ps));
        }

        Assert.That(WorkloadFrames(ps), Is.GreaterThan(baseline));
        (int thread, double cpuMs) = ThreadOf(ps, first);
        Assert.That(ThreadOf(ps, ioPid).CpuMs, Is.GreaterThanOrEqualTo(0));
        System.Threading.Thread.Sleep(1000);
        Assert.That(ThreadOf(RunCommand(machine, "ps"), first).CpuMs, Is.GreaterThan(cpuMs), "the cpu workload keeps using the CPU");

        Assert.That(RunCommand(machine, "kill " + thread), Is.EqualTo(new[] { $"kill: ended process {first} (work), thread {thread}" }));
        Assert.That(RunCommand(machine, "pkill " + second), Is.EqualTo(new[] { $"process {second} (work) ended" }));
        Assert.That(RunCommand(machine, "pkill " + ioPid), Is.EqualTo(new[] { $"process {ioPid} (work) ended" }));
        List<string> after = RunCommand(machine, "ps");
        foreach (string pid in new[] { first, second, ioPid })
        {
            Assert.That(after, Has.Some.Match(@"^\s+" + pid + @" work\s+ended\s+0\s+3\s+-\s+-\s+-\s+137$"), string.Join("\n", after));
        }

        Assert.That(NotGivenBack(after), Is.EqualTo(0), "every frame of the workloads came back");
        Assert.That(RunCommand(machine, "echo still responsive"), Is.EqualTo(new[] { "still responsive" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void IpcPairsAndRealTimeJobsRunAsProcesses()
    {
        QemuMachine machine = Boot();
        Match ipc = Regex.Match(RunCommand(machine, "spawn ipc 1")[0], @"^started 1 ipc pair\(s\) \(each the client; it starts its server\): pid (\d+)$");
        Assert.That(ipc.Success, Is.True);
        Match rt = Regex.Match(RunCommand(machine, "spawn rt 1")[0], @"^started 1 rt process\(es\): pid (\d+)$");
        Assert.That(rt.Success, Is.True);
        System.Threading.Thread.Sleep(2000);

        List<string> ps = RunCommand(machine, "ps");
        string text = string.Join("\n", ps);
        string client = ipc.Groups[1].Value;
        Assert.That(Regex.Matches(text, @"(?m)^\s+\d+ work\s+running\s+1\s+3\s").Count, Is.EqualTo(3), "server, client and rt:\n" + text);
        Assert.That(text, Does.Match(@"(?m)^\s*\d+ work\s+\S+\s+realtime\s+.*\s" + rt.Groups[1].Value + @"\s+3$"), "the rt job runs in the real-time class");
        Assert.That(ThreadOf(ps, client).CpuMs, Is.Positive, "the client made calls");
        Match handOffs = Regex.Match(string.Join("\n", RunCommand(machine, "sched")), @"(\d+) IPC hand-offs");
        Assert.That(long.Parse(handOffs.Groups[1].Value, CultureInfo.InvariantCulture), Is.Positive, "calls between the pair's processes");

        string metrics = string.Join("\n", RunCommand(machine, "metrics"));
        Assert.That(metrics, Does.Match(@"rt\.lateness_ns\s+n=[1-9]\d*"), "the kernel timed the job's releases (PeriodWait)");
        TestContext.Out.WriteLine("measured under TCG: " + Regex.Match(metrics, @"rt\.lateness_ns.*").Value.Trim());
        TestContext.Out.WriteLine("measured under TCG: " + Regex.Match(metrics, @"rt\.deadline_misses.*").Value.Trim());

        // Ending the client ends its server (it watches the client's exit notification);
        // ending the rt job gives its reservation back.
        Assert.That(RunCommand(machine, "pkill " + client), Is.EqualTo(new[] { $"process {client} (work) ended" }));
        Assert.That(RunCommand(machine, "pkill " + rt.Groups[1].Value), Is.EqualTo(new[] { $"process {rt.Groups[1].Value} (work) ended" }));
        System.Threading.Thread.Sleep(500);
        List<string> after = RunCommand(machine, "ps");
        Assert.That(after, Has.None.Match(@"^\s+\d+ work\s+running"), string.Join("\n", after));
        Assert.That(NotGivenBack(after), Is.EqualTo(0), "every frame of the pair and the rt job came back");

        // The ended job gave its 20% back: four fit under the 90% admission limit again, and
        // the fifth is refused and ends.
        Assert.That(RunCommand(machine, "spawn rt 5")[0], Does.Match(@"^started 5 rt process\(es\): pid \d+ \d+ \d+ \d+ \d+$"));
        System.Threading.Thread.Sleep(1500);
        string five = string.Join("\n", RunCommand(machine, "ps"));
        Assert.That(Regex.Matches(five, @"(?m)^\s*\d+ work\s+\S+\s+realtime\s").Count, Is.EqualTo(4), five);
        Assert.That(machine.Log, Does.Contain("work rt: no real-time reservation (admission control refused it); ending"));
        Assert.That(RunCommand(machine, "echo responsive"), Is.EqualTo(new[] { "responsive" }));
    }

    [Test]
    [CancelAfter(240_000)]
    public void EveryModeRunsToItsLimitAndReports()
    {
        QemuMachine machine = Boot();
        AssertRun(machine, "cpu 300", @"^work cpu: [1-9]\d* rounds of 10000 steps in \d+ ms \(checksum \d+\)$");
        AssertRun(machine, "io 50", @"^work io: 50 sleeps of 1-4 ms in \d+ ms$");
        AssertRun(machine, "alloc 48", @"^work alloc: 48 MiB allocated, [1-9]\d* collections, no object overwritten$");
        AssertRun(machine, "rt 200", @"^work rt: 200 periods of 5 ms, \d+ missed$");
        AssertRun(machine, "ipc 2000", @"^work ipc: 2000 round trips, mean \d+ ns, least \d+ ns, most \d+ ns, 0 wrong answers$");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void BadWorkloadLinesGiveOneClearErrorAndStartNothing()
    {
        QemuMachine machine = Boot();
        (string Line, string Error)[] cases =
        [
            ("spawn cpu 0", "spawn: count must be a number from 1 to 64"),
            ("spawn cpu 99999", "spawn: count must be a number from 1 to 64"),
            ("spawn cpu -1", "spawn: count must be a number from 1 to 64"),
            ("spawn cpu lots", "spawn: count must be a number from 1 to 64"),
            ("spawn nosuch", "spawn: unknown workload 'nosuch' (known: cpu, io, alloc, rt, ipc)"),
            ("spawn \"\"", "spawn: unknown workload '' (known: cpu, io, alloc, rt, ipc)"),
            ("spawn %$#@!~", "spawn: unknown workload '%$#@!~'"),
            ("spawn", "usage: spawn cpu|io|alloc|rt|ipc [count]"),
            ("spawn cpu 1 2", "usage: spawn cpu|io|alloc|rt|ipc [count]"),
            ("spawn \"cpu", "error: unterminated double quote"),
        ];
        foreach ((string line, string error) in cases)
        {
            List<string> output = RunCommand(machine, line);
            Assert.That(output, Has.Count.EqualTo(1), line + ":\n" + string.Join("\n", output));
            Assert.That(output[0], Does.StartWith(error), line);
        }

        List<string> run = RunCommand(machine, "run work disk 5");
        Assert.That(run[0], Does.StartWith("usage: work cpu|io|alloc|rt|ipc [limit]"));
        Assert.That(run[^1], Does.Match(@"^process \d+ \(work\) exited with code 2;"));
        run = RunCommand(machine, "run work cpu 0");
        Assert.That(run[0], Is.EqualTo("work: limit must be a number from 1 to 1000000"));
        run = RunCommand(machine, "run work ipc");
        Assert.That(run[0], Does.StartWith("work ipc: without a limit its server must be able to see it end"));
        Assert.That(run[^1], Does.Match(@"^process \d+ \(work\) exited with code 2;"));

        List<string> ps = RunCommand(machine, "ps");
        Assert.That(ps, Has.None.Match(@"^\s+\d+ work\s+running"), string.Join("\n", ps));
        Assert.That(NotGivenBack(ps), Is.EqualTo(0), "the programs that ran gave every frame back");
        Assert.That(RunCommand(machine, "echo alive"), Is.EqualTo(new[] { "alive" }));
    }

    private static void AssertRun(QemuMachine machine, string arguments, string report)
    {
        List<string> output = RunCommand(machine, "run work " + arguments, s_run);
        TestContext.Out.WriteLine("measured under TCG: " + string.Join(" | ", output));
        Assert.That(output, Has.Some.Match(report), string.Join("\n", output));
        Assert.That(output[^1], Does.Match(@"^process \d+ \(work\) exited with code 0; \d+ pages at the end; frames: \d+ at most, 0 not given back$"));
    }

    /// <summary>The thread of process <paramref name="pid"/> in `ps`: its id and CPU time.</summary>
    private static (int Thread, double CpuMs) ThreadOf(List<string> ps, string pid)
    {
        foreach (string line in ps)
        {
            Match m = Regex.Match(line, @"^\s*(\d+) work\s+\S+\s+\S+\s+\d+\s+([\d.]+)\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+\s+(?:\d+|-)\s+" + pid + @"\s+3$");
            if (m.Success)
            {
                return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            }
        }

        Assert.Fail($"no thread of process {pid} in ps:\n" + string.Join("\n", ps));
        return (0, 0);
    }

    /// <summary>The frames programs hold, less the pages and tables of init, the console and
    /// the shell: the services' heaps grow as they work (the shell's while it parses lines),
    /// and what is left is exactly what every other program holds (their borrowed pages, the
    /// archive's, do not change).</summary>
    private static long WorkloadFrames(List<string> ps)
    {
        long services = 0;
        foreach (string line in ps)
        {
            Match m = Regex.Match(line, @"^\s+\d+ (init|console|patchline|shell)\s+running\s+\d+\s+3\s+(\d+)\s+(\d+)\s");
            if (m.Success)
            {
                services += long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            }
        }

        return FramesHeld(ps) - services;
    }

    private static long FramesHeld(List<string> ps) => PsFigure(ps, @"^frames held by programs: (\d+)$");

    private static long PsFigure(List<string> ps, string pattern)
    {
        foreach (string line in ps)
        {
            Match m = Regex.Match(line, pattern);
            if (m.Success)
            {
                return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail("no frames line in ps:\n" + string.Join("\n", ps));
        return 0;
    }
}
