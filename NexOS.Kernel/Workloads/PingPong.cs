using NexOS.Core.Ipc;
using NexOS.Core.Metrics;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Workloads;
using NexOS.Kernel.Ipc;
using NexOS.Kernel.Metrics;

namespace NexOS.Kernel.Workloads;

/// <summary>
/// A client/server pair of kernel threads talking over one endpoint: the client calls with a
/// number, the server replies with the number plus one. It is the kernel's IPC benchmark
/// (`bench`, `ipc group`) and an IPC self test, which time the kernel's IPC path without
/// system calls in the way; its round trips feed ipc.roundtrip_ns. The `ipc` workload a person
/// starts with `spawn` is a pair of processes (`user/work`).
/// </summary>
internal sealed class PingPong
{
    /// <summary>How long the server waits for a call before checking whether it was killed.</summary>
    private const ulong ServerIdleTimeoutNs = 100_000_000;

    private readonly Endpoint _endpoint;
    private readonly LatencyHistogram _roundTrips;
    private readonly int _calls;

    /// <summary>Creates the endpoint and both threads; <paramref name="calls"/> = 0 runs until killed.</summary>
    public PingPong(string name, int calls, LatencyHistogram roundTrips)
    {
        _calls = calls;
        _roundTrips = roundTrips;
        _endpoint = KernelIpc.CreateEndpoint(name);
        Server = new KernelThread(name + "-server", ServerLoop, NexOS.Core.Scheduling.SchedClass.Normal, 16);
        Client = new KernelThread(name + "-client", ClientLoop, NexOS.Core.Scheduling.SchedClass.Normal, 16);
        ServerSlot = KernelIpc.Grant(Server, _endpoint, IpcRights.Receive);
        ClientSlot = KernelIpc.Grant(Client, _endpoint, IpcRights.Send);
    }

    public KernelThread Server { get; }

    public KernelThread Client { get; }

    public int ServerSlot { get; }

    public int ClientSlot { get; }

    /// <summary>Replies that did not carry the expected value.</summary>
    public int Errors { get; private set; }

    public int Completed { get; private set; }

    public void Start()
    {
        Scheduler.Start(Server);
        Scheduler.Start(Client);
    }

    /// <summary>Answers calls until killed. A receive that times out (no client for a while)
    /// leaves nothing to reply to, so the next round is a plain receive again.</summary>
    private void ServerLoop()
    {
        KernelThread me = Server;
        bool owesReply = false;
        while (!me.KillRequested)
        {
            IpcStatus status;
            if (owesReply)
            {
                var reply = new IpcMessage { Label = 1, W0 = me.Ipc.Message.W0 + 1, WordCount = 1 };
                status = KernelIpc.ReplyReceive(ServerSlot, in reply, ServerIdleTimeoutNs);
            }
            else
            {
                status = KernelIpc.Receive(ServerSlot, ServerIdleTimeoutNs);
            }

            if (status == IpcStatus.TimedOut)
            {
                owesReply = false; // the reply, if any, went out before the wait began
                continue;
            }

            if (status != IpcStatus.Ok)
            {
                Kernel.WriteLine($"{me.Name}: IPC failed: {status.Describe()}");
                return;
            }

            owesReply = true;
        }
    }

    private void ClientLoop()
    {
        KernelThread me = Client;
        for (ulong i = 0; (_calls == 0 || Completed < _calls) && !me.KillRequested; i++)
        {
            var request = new IpcMessage { Label = 1, W0 = i, WordCount = 1 };
            ulong start = Tsc.NowNs;
            IpcStatus status = KernelIpc.Call(ClientSlot, in request);
            ulong elapsed = Tsc.NowNs - start;
            if (status != IpcStatus.Ok)
            {
                Errors++;
                return;
            }

            if (me.Ipc.Message.W0 != i + 1)
            {
                Errors++;
            }

            _roundTrips.Record(elapsed);
            KernelMetrics.IpcRoundTrip.Record(elapsed);
            Completed++;
        }

        // Release the server from its last wait.
        Server.KillRequested = true;
    }
}
