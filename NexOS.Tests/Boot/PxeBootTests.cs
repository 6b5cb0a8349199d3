using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// `./nexos pxe` (tools/deploy/deploy.sh) served by a real dnsmasq as proxy DHCP and TFTP
/// beside the LAN's own DHCP server, on a LAN of the test's own (<see cref="PxeLan"/>: network
/// namespaces, a bridge and a tap device; no packet leaves this machine and QEMU's built-in
/// TFTP is not used). The PC's firmware (SeaBIOS or OVMF, with iPXE's e1000 ROM) gets its address
/// from the LAN's server and what to boot from the proxy, GRUB loads the kernel and its modules
/// over TFTP, and NexOS boots to the prompt and leases an address from the LAN's server.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class PxeBootTests : BootFixture
{
    private static readonly TimeSpan s_netboot = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan s_network = TimeSpan.FromSeconds(60);
    private PxeLan? _lan;

    [TearDown]
    public void RemoveLan()
    {
        // QEMU first: it runs inside the namespace the LAN deletes.
        _machine?.Dispose();
        _machine = null;
        _lan?.Dispose();
        _lan = null;
    }

    [TestCase(false, "boot/grub/i386-pc/core.0")]
    [TestCase(true, "boot/grub/x86_64-efi/core.efi")]
    [CancelAfter(420_000)]
    public void APcBootsOverPxeFromTheTreeAndDnsmasqConfOfNexosPxe(bool uefi, string image)
    {
        _lan = PxeLan.Start();
        var options = new QemuOptions
        {
            Uefi = uefi,
            BootMedium = ["-boot", "n"],
            Nic = "e1000",
            NicBackend = $"tap,ifname={PxeLan.TapName},script=no,downscript=no",
            NetworkNamespace = _lan.LanNamespace,
        };

        var watch = Stopwatch.StartNew();
        QemuMachine machine = Boot(options, s_netboot);
        TestContext.Progress.WriteLine($"measured: {(uefi ? "UEFI" : "BIOS")} PXE boot through dnsmasq to the prompt in {watch.Elapsed.TotalSeconds:F1} s of wall time under TCG");

        // The proxy told the firmware what to boot, and served GRUB, the kernel and its modules.
        string proxy = _lan.ProxyLog;
        Assert.That(proxy, Does.Match(@"PXE\(br0\) .*52:54:00:12:34:56"), proxy);
        Assert.That(proxy, Does.Contain("bootfile name: " + image), proxy);
        foreach (string file in new[] { image, "boot/grub/grub.cfg", "boot/nexos.elf", "boot/nexos.sym", "boot/nexos.models", "boot/nexos.programs" })
        {
            Assert.That(proxy, Does.Contain($"sent {_lan.Directory}/{file} to 192.168.77.1"), proxy);
        }

        // The LAN's server gave the addresses, the firmware's and then NexOS's own.
        Regex leased = new(@"net: address (192\.168\.77\.1\d\d)/24, gateway 192\.168\.77\.1 \(DHCP\)");
        AwaitLogged(machine, leased, s_network);
        AwaitLogged(machine, new Regex(@"httpd: serving the dashboard on port 80"), s_network);
        AwaitLogged(machine, new Regex(@"patchnet: taking patches on TCP port 7070"), s_network);
        string address = leased.Match(machine.Log).Groups[1].Value;
        Assert.That(_lan.DhcpLog, Does.Contain($"DHCPACK(veth1) {address} 52:54:00:12:34:56"), _lan.DhcpLog);

        List<string> ifconfig = RunCommand(machine, "ifconfig");
        Assert.That(ifconfig, Has.Some.Match(@"^  inet " + Regex.Escape(address) + @"/24, gateway 192\.168\.77\.1 \(DHCP, lease \d+ s left\)$"), string.Join("\n", ifconfig));
        List<string> ping = RunCommand(machine, $"ping -c 2 {PxeLan.ServerAddress}", s_network);
        Assert.That(ping[^1], Is.EqualTo("2 packets sent, 2 received, 0% lost"), "the PXE server answers on the LAN:\n" + string.Join("\n", ping));
    }
}
