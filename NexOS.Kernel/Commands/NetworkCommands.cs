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
        shell.Register("netstat", "the network stack's and the driver's counters, sockets and connections (ring-3 shell)", InUserSpace);
        shell.Register("tcp", "TCP's tunables: tcp | tcp set NAME VALUE (ring-3 shell)", InUserSpace);
        shell.Register("http", "fetch a page: http http://HOST[:PORT]/PATH (ring-3 shell)", InUserSpace);
    }

    private static void InUserSpace(IShellHost host, ReadOnlySpan<string> args) =>
        host.Write("the network service runs in user space: ifconfig, dhcp, ping, nslookup, netstat, tcp and http work in the ring-3 shell\n");
}
