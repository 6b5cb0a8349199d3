namespace NexOS.Tests.Boot;

/// <summary>
/// IPC buffer grants between two processes (IpcGrantRead, IpcGrantWrite; user/granttest):
/// data moves both ways through grants of 1 byte to 64 KiB, untouched memory included, and
/// every hostile grant (bad lengths, rights, addresses, a capability without Grant, a server
/// copying past the grant, into the kernel or the wrong way, a caller granting memory it does
/// not have) is refused with its documented status while the pair carries on. Every frame
/// comes back.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class IpcGrantBootTests : BootFixture
{
    private static readonly TimeSpan s_program = TimeSpan.FromSeconds(90);

    [Test]
    [CancelAfter(TestBudget)]
    public void GrantsMoveDataBothWaysAndHostileGrantsAreRefused()
    {
        QemuMachine machine = Boot();
        List<string> output = RunCommand(machine, "run granttest", s_program);
        Assert.That(output, Has.Count.EqualTo(3), "the rate, the summary and the exit line; a failed check adds a line:\n" + string.Join("\n", output));
        Assert.That(output[0], Does.Match(@"^granttest: 4194304 bytes through 64 KiB write grants in \d+ us \(\d+ MB/s\)$"));
        Assert.That(output[1], Does.Match(@"^granttest: \d+ checks, 0 failed$"));
        Assert.That(output[2], Does.Match(@"^process \d+ \(granttest\) exited with code 0; .* 0 not given back$"));
        Assert.That(NotGivenBack(RunCommand(machine, "ps")), Is.EqualTo(0), "the server's frames came back too");
    }
}
