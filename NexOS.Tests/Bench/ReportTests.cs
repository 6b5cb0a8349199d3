using System.IO;
using System.Linq;
using NexOS.Bench;

namespace NexOS.Tests.Bench;

[TestFixture]
public class ReportTests
{
    [TestCase(double.NaN, "-")]
    [TestCase(1.234, "1.23")]
    [TestCase(12.34, "12.3")]
    [TestCase(1234567.8, "1,234,568")]
    public void FormatKeepsAboutThreeDigits(double value, string text) => Assert.That(Report.Format(value), Is.EqualTo(text));

    [Test]
    public void QemuTableFlagsUnclearRows()
    {
        var clear = new Comparison("clear", "c", "a", "b", "ns", new Summary(10, 20, 9, 11, 2), new Summary(40, 50, 38, 42, 2));
        var unclear = new Comparison("unclear", "u", "a", "b", "ns", new Summary(10, 20, 5, 50, 2), new Summary(40, 50, 38, 42, 2));
        string[] rows = Report.QemuTable([clear, unclear]).Split('\n');
        Assert.That(rows[2], Does.StartWith("| clear").And.Not.Contain("spread > difference"));
        Assert.That(rows[3], Does.StartWith("| unclear").And.Contain("spread > difference"));
        Assert.That(rows[2], Does.Contain("| 0.25 |"));
    }

    [Test]
    public void QemuTableSaysNotMeasuredForAMissingSideAndWhetherRowsAreLikeWithLike()
    {
        var missing = new Comparison("user", "u", "user_null_syscall", "getppid_syscall", "ns", null, new Summary(400, 900, 380, 420, 2));
        var unlike = new Comparison("kernel", "k", "ipc_roundtrip", "pipe_process_roundtrip", "ns",
            new Summary(10, 20, 9, 11, 2), new Summary(40, 50, 38, 42, 2), "NexOS kernel threads, Linux processes");
        string[] rows = Report.QemuTable([missing, unlike]).Split('\n');
        Assert.That(rows[2], Does.StartWith("| user").And.Contain("| not measured | - | - | 400 |").And.Not.Contain("spread > difference"));
        Assert.That(rows[2], Does.EndWith("| yes |"));
        Assert.That(rows[3], Does.EndWith("| no: NexOS kernel threads, Linux processes |"));
    }

    [Test]
    public void AllocTableHasOneRowPerTraceAndTheMimallocRatio()
    {
        AllocResult[] results =
        [
            new("fixed", "NexOS", 30, 1, 65536, 4096),
            new("fixed", "mimalloc", 20, 1, 1024, 4096),
            new("mixed", "NexOS", 10, 1, 65536, 4096),
        ];
        string[] rows = Report.AllocTable(results).TrimEnd('\n').Split('\n');
        Assert.That(rows, Has.Length.EqualTo(4));
        Assert.That(rows[2], Does.StartWith("| fixed").And.EndWith("| 1.50 |"));
        Assert.That(rows[3], Does.StartWith("| mixed").And.EndWith("| - |"));
        Assert.That(Report.AllocRatio(results, "fixed", "NexOS", "mimalloc"), Is.EqualTo(1.5));
    }
}

[TestFixture]
public class TargetsTests
{
    private static readonly Summary s_fast = new(10, 20, 9, 11, 3);
    private static readonly Summary s_slow = new(40, 50, 38, 42, 3);

    private static Comparison Pair(string nexos, string linux, Summary? n, Summary? l, string? notLike = null) => new("l", "s", nexos, linux, "ns", n, l, notLike);

    [Test]
    public void NullSyscallTargetIsMetOnlyWhenFasterAndClear()
    {
        var wide = new Summary(10, 20, 5, 45, 3);
        Assert.That(Targets.Check([Pair("user_null_syscall", "getppid_syscall", s_fast, s_slow)], [])[0].Outcome, Is.EqualTo("met"));
        Assert.That(Targets.Check([Pair("user_null_syscall", "getppid_syscall", s_slow, s_fast)], [])[0].Outcome, Is.EqualTo("missed"));
        Assert.That(Targets.Check([Pair("user_null_syscall", "getppid_syscall", wide, s_slow)], [])[0].Outcome, Does.StartWith("not established"));
    }

    [Test]
    public void ProcessIpcMustBeAtMostHalfTheFutexProcessRoundTrip()
    {
        Targets.Verdict Ipc(Summary n) => Targets.Check([Pair("user_ipc_roundtrip", "futex_process_roundtrip", n, new Summary(100, 120, 95, 105, 3))], [])[0];
        Assert.That(Ipc(new Summary(40, 50, 39, 41, 3)).Outcome, Is.EqualTo("met"));
        Assert.That(Ipc(new Summary(40, 50, 39, 41, 3)).Figure, Is.EqualTo("0.4"));
        Assert.That(Ipc(new Summary(60, 70, 59, 61, 3)).Outcome, Is.EqualTo("missed"));
        // The median meets half, but the slowest NexOS run is over half the fastest Linux run.
        Assert.That(Ipc(new Summary(45, 70, 40, 50, 3)).Outcome, Does.StartWith("not established"));
    }

    [Test]
    public void SpawnTargetIsJudged()
    {
        List<Targets.Verdict> v = Targets.Check([Pair("user_spawn_wait", "posix_spawn_wait", s_fast, s_slow)], []);
        Assert.That(v.Single().Target, Does.Contain("posix_spawn"));
        Assert.That(v.Single().Outcome, Is.EqualTo("met"));
    }

    [Test]
    public void BootNeedsFiveTimesAndTheWallTimeUnderOneSecond()
    {
        var boot = Targets.Check([Pair(Figures.BootGuest, Figures.BootGuest, new Summary(300, 300, 300, 300, 3), new Summary(1000, 1000, 1000, 1000, 3))], []);
        Assert.That(boot.Single().Outcome, Is.EqualTo("missed"));
        var wall = Targets.Check([Pair(Figures.BootWall, Figures.BootWall, new Summary(900, 900, 850, 950, 3), new Summary(6000, 6000, 5900, 6100, 3))], []);
        Assert.That(wall.Select(v => v.Outcome), Is.EqualTo(new[] { "met", "met" }));
        Assert.That(wall[1].Target, Does.Contain("under 1 s"));
        Assert.That(wall[1].Figure, Is.EqualTo("0.9"));
        var slowWall = Targets.Check([Pair(Figures.BootWall, Figures.BootWall, new Summary(1200, 1200, 1100, 1300, 3), null)], []);
        Assert.That(slowWall[0].Outcome, Is.EqualTo("not measured (no Linux figure)"));
        Assert.That(slowWall[1].Outcome, Is.EqualTo("missed"));
    }

    [Test]
    public void RawDiskFiguresMustBeWithinOnePointTwoTimesLinuxAndTheFileCycleFaster()
    {
        var linux = new Summary(100, 120, 98, 102, 3);
        List<Targets.Verdict> close = Targets.Check([Pair("disk_rand_read_qd1", "disk_rand_read_qd1", new Summary(115, 130, 114, 116, 3), linux)], []);
        Assert.That(close.Single().Target, Does.Contain("1.2x"));
        Assert.That(close.Single().Outcome, Is.EqualTo("met"));
        Assert.That(Targets.Check([Pair("disk_seq_read", "disk_seq_read", new Summary(130, 140, 129, 131, 3), linux)], [])[0].Outcome, Is.EqualTo("missed"));
        Assert.That(Targets.Check([Pair("file_cycle", "file_cycle", new Summary(115, 130, 114, 116, 3), linux)], [])[0].Outcome, Is.EqualTo("missed"), "the file cycle must beat Linux, not come close");
        Assert.That(Targets.Check([Pair("file_cycle", "file_cycle", new Summary(80, 90, 79, 81, 3), linux)], [])[0].Outcome, Is.EqualTo("met"));
        Assert.That(Targets.Check([Pair("disk_flush", "disk_flush", s_fast, s_slow)], []), Is.Empty, "the flush is context, not a target");
    }

    [Test]
    public void StorageTableTurnsMedianTimesIntoThroughputs()
    {
        var seq = new Comparison("seq read", "s", "disk_seq_read", "disk_seq_read", "ns", new Summary(655360, 700000, 650000, 660000, 3), new Summary(327680, 400000, 320000, 330000, 3));
        var qd1 = new Comparison("qd1", "q", "disk_rand_read_qd1", "disk_rand_read_qd1", "ns", new Summary(200_000, 300_000, 190_000, 210_000, 3), null);
        string[] rows = Report.StorageTable([seq, qd1]).Split('\n');
        Assert.That(rows[2], Is.EqualTo("| seq read | MB/s | 100 | 200 | 0.50 |"));
        Assert.That(rows[3], Is.EqualTo("| qd1 | IOPS | 5,000 | not measured | - |"));
    }

    [Test]
    public void TheBenchDiskHasAFat32FirstPartitionAndFreeSpaceAfterIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nexos-benchdisk-{Guid.NewGuid():N}.img");
        try
        {
            BenchDisk.MakeTemplate(path);
            byte[] head = new byte[2048 * 512 + 512];
            using (FileStream f = File.OpenRead(path))
            {
                Assert.That(f.Length, Is.EqualTo(128L << 20));
                f.ReadExactly(head);
            }

            Assert.That((head[510], head[511], head[446 + 4]), Is.EqualTo(((byte)0x55, (byte)0xAA, (byte)0x0C)));
            Assert.That(BitConverter.ToUInt32(head, 446 + 8), Is.EqualTo(2048));
            Assert.That(BitConverter.ToUInt32(head, 446 + 12), Is.EqualTo(131072));
            Assert.That(System.Text.Encoding.ASCII.GetString(head, (2048 * 512) + 82, 8), Is.EqualTo("FAT32   "), "the partition's boot sector");
            Assert.That(BitConverter.ToUInt32(head, (2048 * 512) + 32), Is.EqualTo(131072), "the file system fills the partition exactly");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void OnlyLikeWithLikePairsAreJudged()
    {
        Assert.That(Targets.Check([Pair("user_null_syscall", "getppid_syscall", s_fast, s_slow, "not the same")], []), Is.Empty);
        Assert.That(Targets.Check([Pair("ipc_roundtrip", "pipe_process_roundtrip", s_fast, s_slow)], []), Is.Empty);
        Assert.That(Targets.Check([Pair("ctx_switch", "futex_switch", s_fast, s_slow)], []), Is.Empty);
        Assert.That(Targets.Check([Pair("rt_lateness", "rt_lateness", s_fast, s_slow)], []), Is.Empty);
    }

    [Test]
    public void SuiteMarksKernelThreadPairsAsNotLikeWithLikeAndUserPairsAsLike()
    {
        Assert.That(Suite.Pairs.Where(p => p.NexOS is "ctx_switch" or "ipc_roundtrip").Select(p => p.LikeWithLike), Is.All.False);
        Assert.That(Suite.Pairs.Where(p => p.NexOS.StartsWith("user_", StringComparison.Ordinal)).Select(p => p.Linux),
            Is.EquivalentTo(new[] { "getppid_syscall", "futex_process_roundtrip", "pipe_process_roundtrip", "posix_spawn_wait", "mmap_first_touch" }));
        Assert.That(Suite.Pairs.Where(p => p.NexOS.StartsWith("user_", StringComparison.Ordinal)).Select(p => p.LikeWithLike), Is.All.True);
        Assert.That(Suite.Pairs.Select(p => p.Short), Is.Unique);
    }

    [Test]
    public void MissingNexOSFiguresAreReportedAsNotMeasured()
    {
        // Linux printed everything, NexOS only its kernel figures (no ubench yet).
        var nexos = new Dictionary<string, BenchLine> { ["ipc_roundtrip"] = new("ipc_roundtrip", "ns", 10, 20, 30, 100) };
        Dictionary<string, BenchLine> linux = Suite.Pairs.Select(p => p.Linux).Distinct()
            .ToDictionary(n => n, n => new BenchLine(n, "ns", 100, 200, 300, 100));
        List<Comparison> all = Suite.Compare([nexos, nexos], [linux, linux]);
        List<Targets.Verdict> verdicts = Targets.Check(all, []);
        string[] user = ["null system call", "IPC round trip between processes", "spawn + wait"];
        foreach (string target in user)
        {
            Assert.That(verdicts.Single(v => v.Target.Contains(target, StringComparison.Ordinal)).Outcome, Is.EqualTo("not measured (no NexOS figure)"));
        }

        Assert.That(verdicts.Where(v => v.Target.StartsWith("boot", StringComparison.Ordinal)).Select(v => v.Outcome), Is.All.StartWith(Targets.NotMeasured));
        string table = Report.QemuTable(all);
        Assert.That(table, Does.Contain("(`user_page_fault` / `mmap_first_touch`) | ns | not measured |"));
        Assert.That(Targets.Markdown(verdicts), Does.Contain("| - | not measured (no NexOS figure) |"));
    }

    [Test]
    public void AllocationTargetIsOneAndAHalfTimesMimalloc()
    {
        AllocResult[] alloc = [new("fixed", "NexOS", 30, 1, 0), new("fixed", "mimalloc", 20, 1, 0), new("mixed", "NexOS", 31, 1, 0), new("mixed", "mimalloc", 20, 1, 0)];
        List<Targets.Verdict> v = Targets.Check([], alloc);
        Assert.That(v.Select(x => x.Outcome), Is.EqualTo(new[] { "met", "missed" }));
    }
}

[TestFixture]
public class TailTests
{
    [Test]
    public void P99RangesComeFromTheRuns()
    {
        Summary nexos = Summary.Of([new BenchLine("rt_lateness", "ns", 10, 100, 100, 9), new BenchLine("rt_lateness", "ns", 11, 900, 900, 9)])!;
        Summary linux = Summary.Of([new BenchLine("rt_lateness", "ns", 50, 600, 600, 9), new BenchLine("rt_lateness", "ns", 51, 700, 700, 9)])!;
        Assert.That((nexos.P99Low, nexos.P99High), Is.EqualTo((100.0, 900.0)));
        var c = new Comparison("l", "s", "rt_lateness", "rt_lateness", "ns", nexos, linux);
        Assert.That(c.Unclear, Is.False);
        Assert.That(c.TailUnclear);
        Assert.That(Report.QemuTable([c]), Does.Contain("| p99: spread > difference |"));
    }
}
