using NexOS.Tests.Boot;

namespace NexOS.Tests.User;

/// <summary>
/// user/work, the workload program, run as a Linux process (./nexos hostrun): the modes that
/// need only the clock, sleeping and memory run to their limit and report; bad arguments end
/// it with code 2 and the usage. (SchedulerSet, PeriodWait and IPC have no Linux counterpart:
/// rt and ipc are checked on a booted image, WorkloadBootTests.) Needs a build.
/// </summary>
[Category("Boot")]
public sealed class WorkProgramTests
{
    [Test]
    public void CpuRunsForItsMilliseconds()
    {
        (int code, string log) = UserProgramTests.HostRun("work", "cpu", "100");
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Match(@"^work cpu: [1-9]\d* rounds of 10000 steps in \d+ ms \(checksum \d+\)\n$"));
        int ms = int.Parse(System.Text.RegularExpressions.Regex.Match(log, @"in (\d+) ms").Groups[1].Value);
        Assert.That(ms, Is.GreaterThanOrEqualTo(100), "it stops only when its time is up");
    }

    [Test]
    public void IoSleepsItsCount()
    {
        (int code, string log) = UserProgramTests.HostRun("work", "io", "10");
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Match(@"^work io: 10 sleeps of 1-4 ms in \d+ ms\n$"));
        int ms = int.Parse(System.Text.RegularExpressions.Regex.Match(log, @"in (\d+) ms").Groups[1].Value);
        Assert.That(ms, Is.GreaterThanOrEqualTo(10), "ten sleeps of at least 1 ms");
    }

    [Test]
    public void AllocChurnsItsMebibytesAndCollects()
    {
        (int code, string log) = UserProgramTests.HostRun("work", "alloc", "32");
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Match(@"^work alloc: 32 MiB allocated, [1-9]\d* collections, no object overwritten\n$"));
    }

    [TestCase(new string[0], "usage: work cpu|io|alloc|rt|ipc [limit]")]
    [TestCase(new[] { "disk" }, "usage: work cpu|io|alloc|rt|ipc [limit]")]
    [TestCase(new[] { "cpu", "0" }, "work: limit must be a number from 1 to 1000000")]
    [TestCase(new[] { "alloc", "lots" }, "work: limit must be a number from 1 to 1000000")]
    public void BadArgumentsEndWithCode2(string[] arguments, string error)
    {
        (int code, string log) = UserProgramTests.HostRun("work", arguments);
        Assert.That(code, Is.EqualTo(2), log);
        Assert.That(log, Does.StartWith(error));
    }
}
