using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// The device manager (user/devmgr): it lists QEMU's PCI functions, and starts a program for
/// one of them with that function's resources as capabilities; `devtest` then maps the VGA
/// framebuffer's BAR (MmioMap), allocates DMA memory and makes the hostile calls a driver
/// could make (user/devtest). Bad requests get clear errors and the manager carries on.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class DeviceBootTests : BootFixture
{
    private static readonly TimeSpan s_program = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(TestBudget)]
    public void LspciListsQemusFunctionsAndADriverProgramGetsItsDevice()
    {
        QemuMachine machine = Boot();
        List<string> lspci = RunCommand(machine, "lspci", s_program);
        Assert.That(lspci, Has.Some.EqualTo("00:00.0 Host bridge [0600]: 8086:1237 rev 02"), "the i440FX host bridge:\n" + string.Join("\n", lspci));
        Assert.That(lspci, Has.Some.EqualTo("00:02.0 VGA compatible controller [0300]: 1234:1111 rev 02"), "the standard VGA");
        Assert.That(lspci[^1], Does.Match(@"^\d+ PCI functions$"));

        List<string> started = RunCommand(machine, "devstart 00:02.0 devtest", s_program);
        Assert.That(started, Has.Some.Match(@"^started process \d+ \(devtest\) for 00:02.0$"), string.Join("\n", started));
        machine.WaitFor(new Regex(@"devtest: \d+ checks, 0 failed"), s_program);
        machine.WaitFor("devmgr: devtest for 00:02.0 ended with code 0", s_program);
        Assert.That(NotGivenBack(RunCommand(machine, "ps")), Is.EqualTo(0), "the DMA frames came back");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void BadDeviceRequestsGetClearErrors()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "devstart 00:1f.0 devtest", s_program),
            Is.EqualTo(new[] { "devstart: cannot start devtest for 00:1f.0 (status 8)" }), "no such function: NotFound");
        Assert.That(RunCommand(machine, "devstart 00:02.0 nosuchprogram", s_program),
            Is.EqualTo(new[] { "devstart: cannot start nosuchprogram for 00:02.0 (status 8)" }), "no such program");
        Assert.That(RunCommand(machine, "devstart 100:02.0 devtest", s_program)[0], Does.StartWith("usage: devstart"));
        Assert.That(RunCommand(machine, "devstart 00:02", s_program)[0], Does.StartWith("usage: devstart"));
        Assert.That(RunCommand(machine, "lspci", s_program), Has.Some.EqualTo("00:02.0 VGA compatible controller [0300]: 1234:1111 rev 02"), "the manager carries on");
    }
}
