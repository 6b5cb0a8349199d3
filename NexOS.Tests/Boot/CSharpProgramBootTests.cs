namespace NexOS.Tests.Boot;

/// <summary>
/// examples/hello, a C# program compiled by ilc with the real class library and NexOS.UserLib,
/// run in ring 3 by the booted kernel (`run hello ...`): its arguments arrive, its own heap
/// collects, an exception is thrown and caught, and Main's result is the exit code; an
/// exception nothing catches is reported with its stack trace and ends it with 134.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class CSharpProgramBootTests : BootFixture
{
    private static readonly TimeSpan s_program = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(TestBudget)]
    public void HelloRunsInRing3()
    {
        List<string> output = RunCommand(Boot(), "run hello alpha beta", s_program);

        Assert.That(output, Does.Contain("Hello from C# in ring 3"), string.Join("\n", output));
        Assert.That(output, Does.Contain("  argument 0: alpha"));
        Assert.That(output, Does.Contain("  argument 1: beta"));
        Assert.That(output, Has.Some.Match(@"^allocated 16 MiB, [1-9]\d* collections, checksum 522240$"));
        Assert.That(output, Does.Contain("caught InvalidOperationException: thrown with 2 arguments"));
        Assert.That(output, Has.Some.Match(@"^process \d+ \(hello\) exited with code 0;"));
        TestContext.Out.WriteLine("measured: " + string.Join(" | ", output));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AnUnhandledExceptionEndsHelloWith134()
    {
        List<string> output = RunCommand(Boot(), "run hello unhandled", s_program);

        Assert.That(output, Does.Contain("Unhandled exception: System.InvalidOperationException: thrown with -1 arguments"), string.Join("\n", output));
        Assert.That(output, Has.Some.Contains("at NexOS.Examples.Hello.Program.Throw"));
        Assert.That(output, Has.Some.Match(@"^process \d+ \(hello\) exited with code 134;"));
    }
}
