using System.Linq;
using NexOS.Bench;

namespace NexOS.Tests.Bench;

[TestFixture]
public class FiguresTests
{
    [Test]
    public void NexOSBootIsTheKernelsClockAndTheWallTimeAtTheRingThreePrompt()
    {
        var figures = new Dictionary<string, BenchLine>();
        TimedLine[] lines = [new(900, "GRUB loading"), new(2107.44, "NexOS 0.1.0 ready in 61 ms"), new(2150, "init: starting"), new(2200.06, "nexos> ")];
        Assert.That(Figures.AddBoot(figures, lines, Figures.NexOSReady(), 1, Figures.NexOSShellPrompt()));
        Assert.That(figures[Figures.BootWall].Median, Is.EqualTo(2200.1));
        Assert.That(figures[Figures.BootGuest].Median, Is.EqualTo(61));
        Assert.That(figures[Figures.BootGuest].Unit, Is.EqualTo("ms"));
    }

    [Test]
    public void WithoutThePromptThereIsNoNexOSBootFigure()
    {
        var figures = new Dictionary<string, BenchLine>();
        TimedLine[] lines = [new(2107.44, "NexOS 0.1.0 ready in 61 ms"), new(9000, "nexos-bench: timed out")];
        Assert.That(Figures.AddBoot(figures, lines, Figures.NexOSReady(), 1, Figures.NexOSShellPrompt()), Is.False);
        Assert.That(figures, Is.Empty);
    }

    [Test]
    public void LinuxBootComesFromTheFirstUserspaceLineInSeconds()
    {
        var figures = new Dictionary<string, BenchLine>();
        TimedLine[] lines = [new(18390, "nexos-bench: userspace up, uptime 6.27 s")];
        Assert.That(Figures.AddBoot(figures, lines, Figures.LinuxFirstLine(), 1000));
        Assert.That(figures[Figures.BootGuest].Median, Is.EqualTo(6270));
        Assert.That(figures[Figures.BootWall].Median, Is.EqualTo(18390));
    }

    [Test]
    public void NoMarkerMeansNoBootFigure()
    {
        var figures = new Dictionary<string, BenchLine>();
        Assert.That(Figures.AddBoot(figures, [new TimedLine(1, "nexos-bench: timed out")], Figures.LinuxFirstLine(), 1000), Is.False);
        Assert.That(figures, Is.Empty);
    }

    [Test]
    public void BenchmarksAreCollectedByName()
    {
        TimedLine[] lines =
        [
            new(1, "{\"bench\":\"a\",\"unit\":\"ns\",\"median\":1,\"p99\":2,\"n\":3}"),
            new(2, "some log line"),
            new(3, "{\"bench\":\"b\",\"error\":\"no\"}"),
        ];
        Dictionary<string, BenchLine> figures = Figures.Benchmarks(lines);
        Assert.That(figures.Keys, Is.EquivalentTo(new[] { "a", "b" }));
    }

    [Test]
    public void CompareLinesUpEveryPairAndToleratesMissingFigures()
    {
        var nexos = new Dictionary<string, BenchLine> { ["ctx_switch"] = new("ctx_switch", "ns", 10, 20, 30, 100) };
        var linux = new Dictionary<string, BenchLine> { ["futex_switch"] = new("futex_switch", "ns", 40, 80, 90, 100) };
        List<Comparison> all = Suite.Compare([nexos], [linux]);
        Assert.That(all, Has.Count.EqualTo(Suite.Pairs.Count));
        Comparison futex = all.Single(c => c.LinuxBench == "futex_switch");
        Assert.That(futex.Ratio, Is.EqualTo(0.25));
        Assert.That(all.Single(c => c.LinuxBench == "pipe_thread_switch").Linux, Is.Null);
    }
}
