using NexOS.Core.Processes;

namespace NexOS.Tests.Core.Processes;

/// <summary>The command lines that start workloads: the shell's spawn and the work program's own.</summary>
[TestFixture]
public sealed class WorkloadRequestTests
{
    [TestCase("cpu", WorkloadMode.Cpu)]
    [TestCase("io", WorkloadMode.Io)]
    [TestCase("alloc", WorkloadMode.Alloc)]
    [TestCase("rt", WorkloadMode.RealTime)]
    [TestCase("ipc", WorkloadMode.Ipc)]
    public void EveryModeHasOneWordBothWays(string word, WorkloadMode mode)
    {
        Assert.That(WorkloadRequest.TryParseMode(word, out WorkloadMode parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(mode));
        Assert.That(WorkloadRequest.Name(mode), Is.EqualTo(word));
    }

    [Test]
    public void SpawnDefaultsToOneProcess()
    {
        Assert.That(WorkloadRequest.ParseSpawn(new[] { "alloc" }, out WorkloadMode mode, out int count), Is.Null);
        Assert.That((mode, count), Is.EqualTo((WorkloadMode.Alloc, 1)));
        Assert.That(WorkloadRequest.ParseSpawn(new[] { "rt", "64" }, out mode, out count), Is.Null);
        Assert.That((mode, count), Is.EqualTo((WorkloadMode.RealTime, 64)));
    }

    [TestCase(new string[0], "usage: spawn cpu|io|alloc|rt|ipc [count]")]
    [TestCase(new[] { "cpu", "1", "2" }, "usage: spawn cpu|io|alloc|rt|ipc [count]")]
    [TestCase(new[] { "nosuch" }, "spawn: unknown workload 'nosuch' (known: cpu, io, alloc, rt, ipc)")]
    [TestCase(new[] { "CPU" }, "spawn: unknown workload 'CPU' (known: cpu, io, alloc, rt, ipc)")]
    [TestCase(new[] { "cpu", "0" }, "spawn: count must be a number from 1 to 64")]
    [TestCase(new[] { "cpu", "65" }, "spawn: count must be a number from 1 to 64")]
    [TestCase(new[] { "cpu", "99999" }, "spawn: count must be a number from 1 to 64")]
    [TestCase(new[] { "cpu", "-3" }, "spawn: count must be a number from 1 to 64")]
    [TestCase(new[] { "cpu", "2x" }, "spawn: count must be a number from 1 to 64")]
    [TestCase(new[] { "cpu", "99999999999999999999" }, "spawn: count must be a number from 1 to 64")]
    public void BadSpawnArgumentsGiveOneClearError(string[] args, string error)
    {
        Assert.That(WorkloadRequest.ParseSpawn(args, out _, out int count), Is.EqualTo(error));
        Assert.That(count, Is.LessThanOrEqualTo(1), "nothing to start");
    }

    [Test]
    public void WorkRunsUntilKilledWithoutALimit()
    {
        Assert.That(WorkloadRequest.ParseRun(new[] { "io" }, out WorkloadMode mode, out long limit), Is.Null);
        Assert.That((mode, limit), Is.EqualTo((WorkloadMode.Io, 0L)));
        Assert.That(WorkloadRequest.ParseRun(new[] { "ipc", "1000000" }, out mode, out limit), Is.Null);
        Assert.That((mode, limit), Is.EqualTo((WorkloadMode.Ipc, 1_000_000L)));
    }

    [TestCase("")]
    [TestCase("ipc-server")]
    [TestCase("cpu 1 2")]
    [TestCase("disk")]
    public void BadWorkArgumentsGiveTheUsage(string line) =>
        Assert.That(WorkloadRequest.ParseRun(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), out _, out _), Does.StartWith("usage: work cpu|io|alloc|rt|ipc [limit]"));

    [TestCase("0")]
    [TestCase("1000001")]
    [TestCase("ten")]
    public void AWorkLimitOutOfRangeIsRefused(string limit)
    {
        Assert.That(WorkloadRequest.ParseRun(new[] { "cpu", limit }, out _, out long parsed), Is.EqualTo("work: limit must be a number from 1 to 1000000"));
        Assert.That(parsed, Is.Zero);
    }
}
