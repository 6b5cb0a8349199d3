using NexOS.Abi;
using NexOS.Net;
using NexOS.UserLib;

namespace NexOS.Programs.Net;

/// <summary>
/// The network service (docs/services.md): the TCP/IP stack in user space. It waits for the
/// network driver the device manager starts (DeviceProtocol.Nics), runs a
/// <see cref="NetStack"/> over it (<see cref="NicLink"/>), gets an address by DHCP, and serves
/// NexOS.Abi.NetProtocol on its endpoint. Its wake notification is bound to its thread, so one
/// receive hears programs and the driver ("frames have arrived"); a call that waits on the
/// network has its reply saved and is answered when the stack completes it, so one slow
/// request never holds up the others. Slots: 1 its endpoint, 2 the driver's `nic` endpoint,
/// 3 the `netwake` notification, 4 the device manager's endpoint. Without a network device
/// it keeps serving (Info says so; the rest answers NoDevice) and looks for one every second.
/// </summary>
public static partial class Program
{
    private const int EndpointSlot = 1;
    private const int NicSlot = 2;
    private const int WakeSlot = 3;
    private const int DevicesSlot = 4;
    private const ulong TickNs = 100_000_000;
    private const ulong TcpTickNs = 10_000_000;
    private const ulong DeviceLookNs = 1_000_000_000;
    private const ulong Ms = 1_000_000;

    private static NetStack? s_stack;
    private static NicLink? s_nic;
    private static bool s_noDeviceSaid;
    private static bool s_addressSaid;

    public static int Main()
    {
        SyscallStatus bound = Ipc.Bind(WakeSlot);
        if (bound != SyscallStatus.Ok)
        {
            Log.WriteLine($"net: the wake notification could not be bound (status {(int)bound})");
            return 1;
        }

        ulong nextTick = 0, nextLook = 0;
        while (true)
        {
            ulong now = Time.MonotonicNs;
            if ((s_nic == null || s_nic.Lost) && now >= nextLook)
            {
                Attach(now);
                nextLook = now + DeviceLookNs;
            }

            ulong wait = s_stack == null || nextTick <= now ? TickNs : Math.Clamp(nextTick - now, 1_000_000, TickNs);
            SyscallStatus status = Ipc.Receive(EndpointSlot, out Message request, out ulong badge, wait);
            now = Time.MonotonicNs;
            if (status == SyscallStatus.Ok && badge == UserAbi.NotificationBadge)
            {
                if (s_nic != null && s_stack != null && !s_nic.Lost)
                {
                    s_nic.Pump(s_stack);
                }
            }
            else if (status == SyscallStatus.Ok)
            {
                Message answer = Answer(in request, badge, now, out bool saved);
                if (!saved)
                {
                    _ = Ipc.Reply(in answer);
                }
            }
            else if (status != SyscallStatus.TimedOut)
            {
                Log.WriteLine($"net: receive failed (status {(int)status}); ending");
                return 2;
            }

            if (s_stack != null && now >= nextTick)
            {
                s_stack.Tick(now);
                nextTick = now + (s_stack.Tcp.Connections.Count > 0 ? TcpTickNs : TickNs);
            }

            Complete();
            ServeReady(now);
            s_nic?.Flush();
        }
    }

    // Looks for the network driver; once it serves, a stack is made for it.
    private static void Attach(ulong now)
    {
        var nics = new Message { Label = DeviceProtocol.Nics };
        if (Ipc.Call(DevicesSlot, ref nics) != SyscallStatus.Ok || nics.Label != 0 || nics.W0 == 0)
        {
            if (!s_noDeviceSaid && nics.W1 == 0)
            {
                Log.WriteLine("net: no network device; looking again every second");
                s_noDeviceSaid = true;
            }

            return;
        }

        if (s_nic != null && s_stack != null)
        {
            // The driver came back (the device manager restarted it): the stack keeps its
            // address, connections and sockets, and sends through it again.
            SyscallStatus reopened = s_nic.Reopen();
            Log.WriteLine(reopened == SyscallStatus.Ok ? "net: the network driver is back" : $"net: the network driver did not answer (status {(int)reopened})");
            return;
        }

        NicLink? link = NicLink.Open(NicSlot, out SyscallStatus status);
        if (link == null)
        {
            Log.WriteLine($"net: the network driver did not answer (status {(int)status})");
            return;
        }

        s_nic = link;
        s_stack = new NetStack(link.Mac, link, now ^ link.Mac.Value);
        s_sockets = new SocketTable(s_stack);
        s_stack.StartDhcp(now);
        s_noDeviceSaid = false;
        Log.WriteLine($"net: {link.Mac}, link {(link.LinkUp ? "up" : "down")}; asking for an address by DHCP");
    }

    // Answers what the stack finished: each token is the slot of a saved reply.
    private static void Complete()
    {
        if (s_stack == null)
        {
            return;
        }

        while (s_stack.TryTakeCompletion(out NetCompletion done))
        {
            var answer = new Message { Label = (ulong)done.Status, W0 = done.Value, W1 = done.Value2 };
            _ = Ipc.ReplySaved(done.Token, in answer);
        }

        if (!s_addressSaid && s_stack.Interface.Address != Ipv4Address.Any)
        {
            SayAddress();
        }
        else if (s_addressSaid && s_stack.Interface.Address == Ipv4Address.Any)
        {
            s_addressSaid = false;
        }
    }

    private static void SayAddress()
    {
        IpInterface i = s_stack!.Interface;
        string dns = s_stack.DnsServers.Length > 0 ? $", name server {s_stack.DnsServers[0]}" : string.Empty;
        Log.WriteLine($"net: address {i.Address}/{i.PrefixLength}, gateway {i.Gateway}{dns}{(s_stack.UsesDhcp ? " (DHCP)" : string.Empty)}");
        s_addressSaid = true;
    }
}
