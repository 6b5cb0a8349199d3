using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Boots the real ISO in QEMU and talks to the shell over the serial line. These need
/// ./nexos build and QEMU, so they carry the "Boot" category: filter them out with
/// <c>--filter "TestCategory!=Boot"</c>. They run one at a time (each QEMU takes a core).
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class BootTests : BootFixture
{
    [TestCase("128M")]
    [TestCase("2G")]
    [CancelAfter(TestBudget)]
    public void BootsToTheReadyLineAndThePrompt(string memory)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        QemuMachine machine = Boot(new QemuOptions { Memory = memory });

        // Reported, never asserted: timings depend on the machine.
        Match ready = s_readyLine.Match(machine.Log);
        TestContext.Out.WriteLine($"measured with -m {memory}: QEMU start to prompt {clock.Elapsed.TotalSeconds:F2} s; {ready.Value.Trim()}");
    }

    [TestCase("128M", 128)]
    [TestCase("2G", 2048)]
    [CancelAfter(TestBudget)]
    public void MemReportsAboutTheMachinesMemory(string memory, int mebibytes)
    {
        QemuMachine machine = Boot(new QemuOptions { Memory = memory });
        List<string> output = RunCommand(machine, "mem");
        Match total = Regex.Match(string.Join("\n", output), @"(?m)^total\s+([\d.]+) MiB \((\d+) bytes\)$");
        Assert.That(total.Success, Is.True, "no total line in:\n" + string.Join("\n", output));
        double bytes = double.Parse(total.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(bytes / (1024.0 * 1024.0), Is.EqualTo(mebibytes).Within(10).Percent);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void VersionPrintsNexos()
    {
        List<string> output = RunCommand(Boot(), "version");
        Assert.That(output, Has.Count.EqualTo(1));
        Assert.That(output[0], Does.Match(@"^NexOS \S+$"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void HelpListsTheBuiltInCommands()
    {
        List<string> output = RunCommand(Boot(), "help");
        var names = output.ConvertAll(line => line.Trim().Split(' ')[0]);
        Assert.That(names, Is.SupersetOf(new[] { "help", "version", "uptime", "mem", "echo", "shutdown", "reboot", "panic" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void EchoCollapsesSpaces()
    {
        Assert.That(RunCommand(Boot(), "echo hello   world"), Is.EqualTo(new[] { "hello world" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void UnknownCommandGivesOneErrorLineAndThePromptReturns()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "xyz"), Is.EqualTo(new[] { "unknown command 'xyz'; type 'help'" }));
        Assert.That(RunCommand(machine, "echo still alive"), Is.EqualTo(new[] { "still alive" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void BinaryGarbageIsRejectedAndThePromptReturns()
    {
        QemuMachine machine = Boot();
        machine.SendBytes(new byte[] { 0x01, 0x02, 0xFF, 0xFE, (byte)'\r' });
        string seen = machine.WaitFor(Prompt, s_command);
        Assert.That(seen, Does.Contain("error: line contains control or non-text bytes"));
        Assert.That(RunCommand(machine, "echo ok"), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void BackspaceEditsTheLine()
    {
        QemuMachine machine = Boot();
        machine.Send("ecx\u007fho hi\r");
        Assert.That(OutputLines(machine.WaitFor(Prompt, s_command)), Is.EqualTo(new[] { "hi" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void CtrlCCancelsTheLine()
    {
        QemuMachine machine = Boot();
        machine.Send("echo abc\u0003");
        Assert.That(machine.WaitFor(Prompt, s_command), Does.Contain("^C"));
        Assert.That(RunCommand(machine, "echo ok"), Is.EqualTo(new[] { "ok" }));
        Assert.That(machine.Log, Does.Not.Match(@"(?m)^abc\r?$"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void OverlongLineIsRejectedAndThePromptReturns()
    {
        QemuMachine machine = Boot();
        machine.Send(new string('a', 5000) + "\r");
        Assert.That(machine.WaitFor(Prompt, s_command), Does.Contain("error: line too long (max 4096 bytes)"));
        Assert.That(RunCommand(machine, "echo ok"), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void ShutdownPowersTheMachineOff()
    {
        QemuMachine machine = Boot();
        machine.Send("shutdown\r");
        Assert.That(machine.WaitForExit(s_command), Is.Zero);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void RebootResetsTheMachine()
    {
        // With -no-reboot, QEMU exits instead of resetting.
        QemuMachine machine = Boot();
        machine.Send("reboot\r");
        machine.WaitForExit(s_command);
        Assert.That(machine.Log, Does.Contain("rebooting"));
        Assert.That(machine.Log, Does.Not.Contain("CPU exception"), "a reset, not a fault");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void PageFaultIsReportedWithRegistersAndMethodNames()
    {
        QemuMachine machine = Boot();
        machine.Send("crash pagefault\r");
        machine.WaitFor("CPU exception 14 (page fault)", s_command);
        Match rip = machine.WaitFor(new Regex(@"RIP 0x[0-9a-f]{16} in (\S+)\r?\n"), s_command);
        Assert.That(rip.Groups[1].Value, Does.Contain("Diagnostics__Crash"), "the method containing RIP");
        machine.WaitFor(new Regex(@"CR2 0x0000001000000000 page not present on read from kernel mode"), s_command);
        machine.WaitFor(new Regex(@"RAX 0x[0-9a-f]{16}.*RBX 0x[0-9a-f]{16}"), s_command);
        machine.WaitFor(new Regex(@"at 0x[0-9a-f]{16} \S*Shell__Execute"), s_command);

        // A triple fault would reset the machine, and -no-reboot would end QEMU.
        System.Threading.Thread.Sleep(1000);
        Assert.That(machine.HasExited, Is.False, "the kernel stopped instead of resetting");
    }

    [TestCase("gpf", "CPU exception 13 (general protection fault)", "Diagnostics__Crash")]
    [TestCase("invalid-opcode", "CPU exception 6 (invalid opcode)", "Diagnostics__Crash")]
    [CancelAfter(TestBudget)]
    public void CpuFaultsAreReported(string kind, string report, string frame)
    {
        QemuMachine machine = Boot();
        machine.Send($"crash {kind}\r");
        machine.WaitFor(report, s_command);
        machine.WaitFor(new Regex(@"at 0x[0-9a-f]{16} \S*" + frame), s_command);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AFrameLargerThanTheStackRunsIntoTheGuardPage()
    {
        // A 64 KiB frame on a 60 KiB stack: the prolog's stack probe touches page after page
        // downwards, so the first access beyond the stack is to its guard page.
        QemuMachine machine = Boot();
        machine.Send("crash big-frame\r");
        machine.WaitFor(new Regex(@"kernel stack overflow in thread (\d+) \(big-frame\)"), s_command);
        machine.WaitFor(new Regex(@"at 0x[0-9a-f]{16} \S*RhpStackProbe"), s_command);
        machine.WaitFor(new Regex(@"thread \d+ \(big-frame\) ended by the fault; the kernel carries on"), s_command);
        machine.WaitFor(Prompt, s_command);
        Assert.That(RunCommand(machine, "echo still here"), Is.EqualTo(new[] { "still here" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void StackOverflowInAThreadEndsOnlyThatThread()
    {
        QemuMachine machine = Boot();
        machine.Send("crash stack-overflow\r");
        machine.WaitFor(new Regex(@"kernel stack overflow in thread (\d+) \(overflow\)"), s_command);
        machine.WaitFor(new Regex(@"at 0x[0-9a-f]{16} \S*Diagnostics__Recurse"), s_command);
        machine.WaitFor(new Regex(@"thread \d+ \(overflow\) ended by the fault; the kernel carries on"), s_command);
        machine.WaitFor(Prompt, s_command);
        Assert.That(RunCommand(machine, "echo still here"), Is.EqualTo(new[] { "still here" }));
        Assert.That(string.Join("\n", RunCommand(machine, "ps")), Does.Not.Contain("overflow"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void DivisionByZeroBecomesAManagedException()
    {
        QemuMachine machine = Boot();
        machine.Send("crash divide\r");
        machine.WaitFor("Unhandled exception: System.DivideByZeroException", s_command);
        machine.WaitFor(new Regex(@"at NexOS\.Kernel\.Diagnostics\.Crash"), s_command);
        machine.WaitFor("NexOS halted.", s_command);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void PxeBootReachesThePrompt()
    {
        QemuMachine machine = Boot(new QemuOptions { Pxe = true }, s_uefiBoot);
        Assert.That(RunCommand(machine, "echo pxe"), Is.EqualTo(new[] { "pxe" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void PanicReportsTheUnhandledExceptionAndHalts()
    {
        QemuMachine machine = Boot();
        machine.Send("panic\r");
        Match report = machine.WaitFor(new Regex(@"Unhandled exception: ([\w.`+]+): ([^\r\n]+)"), s_command);
        Assert.That(report.Groups[1].Value, Does.Contain("."), "the full type name, with its namespace");
        Assert.That(report.Groups[2].Value.Trim(), Is.Not.Empty, "the exception's message");
        machine.ExpectAbsent(Prompt, TimeSpan.FromSeconds(2));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void SelfTestPassesAndExitsWithStatus33()
    {
        QemuMachine machine = _machine = QemuMachine.Start(new QemuOptions { CommandLine = "nexos.selftest" });
        Match summary = machine.WaitFor(new Regex(@"(?m)^(?:.*\s)?(\d+) passed, (\d+) failed\r?$"), s_boot);
        Assert.That(int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.Positive);
        Assert.That(summary.Groups[2].Value, Is.EqualTo("0"), "failures:\n" + string.Join("\n", FailLines(machine.Log)));
        Assert.That(machine.WaitForExit(s_command), Is.EqualTo(33));
    }

    [Test]
    [CancelAfter(240_000)]
    public void UefiBootReachesThePrompt()
    {
        QemuMachine machine = Boot(new QemuOptions { Uefi = true }, s_uefiBoot);
        Assert.That(RunCommand(machine, "echo uefi"), Is.EqualTo(new[] { "uefi" }));
    }

    private static IEnumerable<string> FailLines(string log)
    {
        foreach (string line in log.Split('\n'))
        {
            if (line.Contains("[FAIL]", StringComparison.Ordinal))
            {
                yield return line.TrimEnd('\r');
            }
        }
    }
}
