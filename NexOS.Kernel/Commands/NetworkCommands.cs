using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>The network commands in the kernel's command list: the network service
/// (user/net) runs in user space and the ring-3 shell asks it, so on the kernel's own console
/// they only say where they work (and `help` lists them).</summary>
internal static class NetworkCommands
{
    public static void Register(Shell shell)
    {
        shell.Register("ifconfig", "the network interface: address, gateway, name server, link (ring-3 shell)", InUserSpace);
        shell.Register("dhcp", "ask for an address by DHCP again: dhcp [timeout-seconds] (ring-3 shell)", InUserSpace);
        shell.Register("ping", "send ICMP echo requests: ping [-c count] [-s bytes] HOST (ring-3 shell)", InUserSpace);
        shell.Register("nslookup", "look a name up: nslookup NAME [SERVER] (ring-3 shell)", InUserSpace);
        shell.Register("netstat", "the network stack's and the driver's counters (ring-3 shell)", InUserSpace);
    }

    private static void InUserSpace(IShellHost host, ReadOnlySpan<string> args) =>
        host.Write("the network service runs in user space: ifconfig, dhcp, ping, nslookup and netstat work in the ring-3 shell\n");
}
