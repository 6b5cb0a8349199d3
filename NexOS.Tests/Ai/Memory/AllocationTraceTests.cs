using System.IO;
using NexOS.Core.Heap;

namespace NexOS.Tests.Ai.Memory;

/// <summary>The trace text format: round trip, and hostile input refused in one line.</summary>
[TestFixture]
public sealed class AllocationTraceTests
{
    [Test]
    public void DemoTraceRoundTripsThroughText()
    {
        AllocationTrace trace = new FragmentingPattern(rounds: 3).Trace;
        string text = trace.Write();
        Assert.That(AllocationTrace.TryParse(text, out AllocationTrace? back, out string error), Is.True, error);
        Assert.That(back!.Write(), Is.EqualTo(text));
        Assert.That(back.Objects, Is.EqualTo(trace.Objects));
        var simulator = new AllocatorSimulator();
        Assert.That(simulator.Run(back, new PlacementSettings(25, 100)), Is.EqualTo(simulator.Run(trace, new PlacementSettings(25, 100))));
    }

    [TestCase("", "line 1: expected 'nexos-alloc-trace 1'")]
    [TestCase("nexos-alloc-trace 2\n", "line 1:")]
    [TestCase("nexos-alloc-trace 1\nalloc 16 4\n", "line 2: alloc needs a size 24..8192")]
    [TestCase("nexos-alloc-trace 1\nalloc 9000 4\n", "line 2: alloc needs a size")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 0\n", "line 2: alloc needs")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 -5\n", "line 2: alloc needs")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 99999999999\n", "line 2: expected 'alloc SIZE COUNT'")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 4\nfree 0 5 1\n", "line 3: free needs 0 <= from < to <= 4")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 4\nfree 2 1 1\n", "line 3: free needs")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 4\nfree 0 4 0\n", "line 3: free needs")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 4\nfree 0 4 2\nfree 2 3 1\n", "step 3: id 2 is freed twice")]
    [TestCase("nexos-alloc-trace 1\nmalloc 64 4\n", "line 2: expected 'alloc SIZE COUNT', 'free FROM TO STEP' or 'collect', got 'malloc'")]
    [TestCase("nexos-alloc-trace 1\ncollect now\n", "line 2: expected")]
    [TestCase("nexos-alloc-trace 1\nalloc 64\n", "line 2: expected")]
    [TestCase("nexos-alloc-trace 1\nalloc 64 2097152\nalloc 64 1\n", "line 3: alloc needs a size 24..8192 and a count 1..0")]
    public void HostileTracesAreRefusedWithOneLine(string text, string expected)
    {
        Assert.That(AllocationTrace.TryParse(text, out AllocationTrace? trace, out string error), Is.False);
        Assert.That(trace, Is.Null);
        Assert.That(error, Does.StartWith(expected));
        Assert.That(error, Does.Not.Contain("\n"));
    }

    [Test]
    public void CommentsBlankLinesAndCarriageReturnsAreAccepted()
    {
        string text = "nexos-alloc-trace 1\r\n# a comment\r\n\r\nalloc 64 10\r\nfree 0 10 2\r\ncollect\r\n";
        Assert.That(AllocationTrace.TryParse(text, out AllocationTrace? trace, out string error), Is.True, error);
        Assert.That(trace!.Ops, Has.Count.EqualTo(3));
    }

    [Test]
    public void TooManyStepsAreRefused()
    {
        var sb = new System.Text.StringBuilder(AllocationTrace.Header + "\n");
        for (int i = 0; i <= AllocationTrace.MaxOps; i++)
        {
            sb.Append("collect\n");
        }

        Assert.That(AllocationTrace.TryParse(sb.ToString(), out _, out string error), Is.False);
        Assert.That(error, Does.Contain($"more than {AllocationTrace.MaxOps} steps"));
    }

    [Test]
    public void AnInvalidTraceBuiltInCodeGivesAnErrorResultNotAnException()
    {
        var trace = new AllocationTrace();
        trace.Alloc(64, 4);
        trace.Free(0, 4, 1);
        trace.Free(1, 2, 1);
        SimulationResult r = new AllocatorSimulator().Run(trace, PlacementSettings.Default);
        Assert.That(r.Error, Does.Contain("freed twice"));
    }

    [Test]
    public void KernelExportMatchesTheHostPattern()
    {
        // The committed copy of `evolve demo memory-trace` (the kernel prints the same text).
        string path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Ai", "Memory", "memory-demo.trace");
        Assert.That(AllocationTrace.TryParse(File.ReadAllText(path), out AllocationTrace? trace, out string error), Is.True, error);
        Assert.That(trace!.Write(), Is.EqualTo(new FragmentingPattern().Trace.Write()));
        SimulationResult today = new AllocatorSimulator().Run(trace, PlacementSettings.Default);
        Assert.That(today.Fragmentation, Is.GreaterThanOrEqualTo(0.5));
    }

    [Test]
    public void ATraceTooBigToSimulateGivesAnErrorResult()
    {
        var trace = new AllocationTrace();
        Assert.That(trace.Alloc(8192, 300_000), Is.Zero);
        SimulationResult r = new AllocatorSimulator().Run(trace, PlacementSettings.Default);
        Assert.That(r.Error, Does.Contain($"more than {AllocatorSimulator.MaxPages} pages"));
    }

    [Test]
    public void ARememberedCheckIsRedoneAfterAnAppend()
    {
        var trace = new AllocationTrace();
        int first = trace.Alloc(64, 10);
        Assert.That(trace.Free(first, first + 10, 2), Is.True);
        Assert.That(trace.Validate(), Is.Null);
        Assert.That(trace.Validate(), Is.Null, "asked again");
        Assert.That(trace.Free(first, first + 4, 2), Is.True);
        Assert.That(trace.Validate(), Does.Contain("freed twice"));
    }
}
