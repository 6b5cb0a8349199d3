using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Predictive allocation in the booted kernel: with the "heap" set's run cap raised, a class
/// that keeps refilling between collections takes longer runs, and the same allocation loop
/// (`evolve trace cost`: 1.2 million 32-byte objects) takes the allocator's slow path far less
/// often. Counts are compared, not times; the times are printed for the docs.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class RunCapBootTests : BootFixture
{
    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(60);
    private static readonly Regex s_slowPaths = new(@"\), (\d+) slow paths since boot");

    [Test]
    [CancelAfter(TestBudget)]
    public void ALongerRunCapCutsTheSlowPathsOfTheSameLoop()
    {
        QemuMachine machine = Boot();
        ulong today = SlowPathsOfLoop(machine, out string todayCost);
        string longestToday = SlowestLine(machine);
        Assert.That(RunCommand(machine, "gc set heap.run_max_kib 64")[0], Does.StartWith("heap.run_max_kib = 64 KiB"));
        RunCommand(machine, "gc collect");
        Assert.That(string.Join("\n", RunCommand(machine, "gc")), Does.Contain("placement    borrow 0% / reuse <= 100% free / runs <= 64 KiB"));
        ulong ahead = SlowPathsOfLoop(machine, out string aheadCost);
        TestContext.Out.WriteLine($"slow paths {today} -> {ahead}\ncap 4 KiB: {todayCost}\n  {longestToday}\ncap 64 KiB: {aheadCost}\n  {SlowestLine(machine)}");
        Assert.That(ahead * 3, Is.LessThan(today));
        Assert.That(RunCommand(machine, "gc set heap.run_max_kib 65"), Is.EqualTo(new[] { "gc set: heap.run_max_kib: 65 is outside [4, 64] KiB" }));
        Assert.That(RunCommand(machine, "echo alive"), Is.EqualTo(new[] { "alive" }));
    }

    private static ulong SlowPathsOfLoop(QemuMachine machine, out string cost)
    {
        ulong before = SlowPaths(machine);
        cost = RunCommand(machine, "evolve trace cost", s_long)[0];
        return SlowPaths(machine) - before;
    }

    /// <summary>The longest slow path since boot (interrupts off), for the figures.</summary>
    private static string SlowestLine(QemuMachine machine) =>
        RunCommand(machine, "gc").Find(l => l.StartsWith("slow path", StringComparison.Ordinal)) ?? "?";

    private static ulong SlowPaths(QemuMachine machine)
    {
        Match m = s_slowPaths.Match(string.Join("\n", RunCommand(machine, "gc")));
        Assert.That(m.Success, Is.True, "the gc command's placement line");
        return ulong.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
