using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Networking as user-space services on QEMU's user network with restrict=on (no packet leaves
/// the emulator): the device manager starts the NIC's driver, the network service gets an
/// address by DHCP, and the shell's network commands reach the gateway through both.
/// </summary>
[TestFixture]
[Category("Boot")]
public sealed class NetworkBootTests : BootFixture
{
    private static readonly TimeSpan s_network = TimeSpan.FromSeconds(30);
    private static readonly Regex s_leased = new(@"net: address 10\.0\.2\.15/24, gateway \S+ \(DHCP\)");

    [TestCase("virtio-net-pci", "virtionet: 52:54:00:12:34:56, link up, \\d+ receive buffers, MSI-X interrupts")]
    [TestCase("e1000", "e1000: 52:54:00:12:34:56, link up, 128 receive buffers, line interrupts")]
    [TestCase("e1000e", "e1000: 52:54:00:12:34:56, link up, 128 receive buffers, line interrupts")]
    [CancelAfter(TestBudget)]
    public void TheNetworkServiceLeasesAnAddressAndPingsTheGateway(string nic, string driverLine)
    {
        QemuMachine machine = Boot(new QemuOptions { Nic = nic });
        AwaitLogged(machine, new Regex(driverLine), s_network);
        AwaitLogged(machine, s_leased, s_network);
        AwaitNetwork(machine, s_network);

        List<string> ifconfig = RunCommand(machine, "ifconfig");
        Assert.That(ifconfig, Has.Count.EqualTo(2), string.Join("\n", ifconfig));
        Assert.That(ifconfig[0], Is.EqualTo("eth0: 52:54:00:12:34:56, link up"));
        Assert.That(ifconfig[1], Does.Match(@"^  inet 10\.0\.2\.15/24, .*\(DHCP, lease \d+ s left\)$"));

        List<string> ping = RunCommand(machine, "ping -c 3 10.0.2.2", s_network);
        string report = string.Join("\n", ping);
        Assert.That(ping[0], Is.EqualTo("PING 10.0.2.2 (10.0.2.2): 56 data bytes"), report);
        Assert.That(ping, Has.Exactly(3).Match(@"^64 bytes from 10\.0\.2\.2: icmp_seq=[123] time=\d+\.\d{3} ms$"), report);
        Assert.That(ping[^1], Is.EqualTo("3 packets sent, 3 received, 0% lost"), report);

        List<string> netstat = RunCommand(machine, "netstat");
        Assert.That(netstat, Has.Some.Match(@"^\s+[3-9]\d* echo replies received$"), string.Join("\n", netstat));
        Assert.That(netstat, Has.Some.Match(@"^\s+[1-9]\d* NIC frames sent$"), string.Join("\n", netstat));

        // Nobody answers at 10.0.2.99 (restrict=on keeps the guest inside): each try times out
        // with a clear line and the shell carries on.
        List<string> lost = RunCommand(machine, "ping -c 1 10.0.2.99", s_network);
        Assert.That(lost[^1], Is.EqualTo("1 packets sent, 0 received, 100% lost"), string.Join("\n", lost));

        List<string> tunables = RunCommand(machine, "tcp");
        Assert.That(tunables, Has.Some.EqualTo("tcp.initial_window = 10 segments (range 1..10, default 10)"), string.Join("\n", tunables));
        Assert.That(RunCommand(machine, "tcp set tcp.initial_window 11"), Is.EqualTo(new[] { "tcp set: 'tcp.initial_window' is no tunable, or 11 is outside its range (see tcp)" }));
        Assert.That(RunCommand(machine, "tcp set tcp.delayed_ack 0"), Is.EqualTo(new[] { "tcp.delayed_ack = 0 (for connections opened from now on)" }));
        Assert.That(RunCommand(machine, "tcp"), Has.Some.StartWith("tcp.delayed_ack = 0 ms"));

        List<string> dhcp = RunCommand(machine, "dhcp", s_network);
        Assert.That(dhcp, Has.Some.EqualTo("dhcp: leased 10.0.2.15"), string.Join("\n", dhcp));
        Assert.That(RunCommand(machine, "ping -c 1 10.0.2.2", s_network)[^1], Is.EqualTo("1 packets sent, 1 received, 0% lost"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void BadNetworkCommandsGetClearErrors()
    {
        QemuMachine machine = Boot(new QemuOptions { Nic = "virtio-net-pci" });
        AwaitNetwork(machine, s_network);
        Assert.That(RunCommand(machine, "ping"), Is.EqualTo(new[] { "usage: ping [-c count] [-s bytes] HOST" }));
        Assert.That(RunCommand(machine, "ping -c 0 10.0.2.2"), Is.EqualTo(new[] { "usage: ping [-c count] [-s bytes] HOST" }));
        Assert.That(RunCommand(machine, "ping -s 99999 10.0.2.2"), Is.EqualTo(new[] { "usage: ping [-c count] [-s bytes] HOST" }));
        Assert.That(RunCommand(machine, "nslookup bad..name"), Is.EqualTo(new[] { "nslookup: bad..name: bad argument" }));
        Assert.That(RunCommand(machine, "nslookup nexos.test 1.2.3"), Is.EqualTo(new[] { "usage: nslookup NAME [SERVER] (SERVER an IPv4 address)" }));
        Assert.That(RunCommand(machine, "dhcp 0"), Is.EqualTo(new[] { "usage: dhcp [timeout-seconds, 1-60]" }));
        Assert.That(RunCommand(machine, "ifconfig", s_network)[0], Is.EqualTo("eth0: 52:54:00:12:34:56, link up"), "the service carries on");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void WithoutANetworkCardTheCommandsSaySo()
    {
        QemuMachine machine = Boot();
        AwaitLogged(machine, new Regex("net: no network device; looking again every second"), s_network);
        Assert.That(RunCommand(machine, "ifconfig"), Is.EqualTo(new[] { "ifconfig: no network device" }));
        Assert.That(RunCommand(machine, "ping -c 1 10.0.2.2"), Is.EqualTo(new[] { "PING 10.0.2.2 (10.0.2.2): 56 data bytes", "icmp_seq=1: no network device", "1 packets sent, 0 received, 100% lost" }));
    }
}
