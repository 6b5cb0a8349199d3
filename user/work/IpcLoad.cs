using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.Work;

/// <summary>
/// The ipc workload: a pair of processes over an endpoint this one creates. `work ipc` serves
/// (each call is answered with its number plus one) and starts `work ipc-client`, which calls
/// and checks the answers. Either end ends the pair: the server learns of its client's end
/// through the exit notification it spawned it with (it looks whenever no call came for
/// 100 ms), and a client whose server ended gets PeerDied from its call.
/// </summary>
internal static class IpcLoad
{
    private const ulong ServerIdleNs = 100_000_000;
    private const ulong SendRight = 1;
    private const int ClientSlot = 1;

    /// <summary>Serves until the client ends; returns 0 when it ended with 0.</summary>
    public static int Serve(long limit)
    {
        long endpoint = Ipc.CreateEndpoint();
        long send = endpoint < 0 ? endpoint : Children.Copy((int)endpoint, SendRight);
        long exits = Ipc.CreateNotification();
        if (send < 0 || exits < 0)
        {
            Log.WriteLine($"work ipc: no endpoint or notification (status {-Math.Min(send, exits)})");
            return 1;
        }

        string line = limit == 0 ? "work ipc-client" : $"work ipc-client {limit}";
        long client = Children.Spawn(line, stackalloc ulong[] { (ulong)send }, (int)exits, 1);
        if (client < 0)
        {
            Log.WriteLine($"work ipc: cannot start the client (status {-client})");
            return 1;
        }

        _ = Children.Close((int)send);
        while (true)
        {
            SyscallStatus status = Ipc.Receive((int)endpoint, out Message call, out _, ServerIdleNs);
            if (status == SyscallStatus.TimedOut)
            {
                if (Ipc.Wait((int)exits, out _, 1) == SyscallStatus.Ok)
                {
                    return Children.Wait((int)client) == 0 ? 0 : 1;
                }

                continue;
            }

            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"work ipc: receive failed (status {(int)status})");
                _ = Children.Kill((int)client);
                return 1;
            }

            var answer = new Message { Label = call.Label, W0 = call.W0 + 1 };
            _ = Ipc.Reply(in answer);
        }
    }

    /// <summary>Calls <paramref name="limit"/> times (0: until the server ends) and checks
    /// every answer; with a limit, writes the round trips' figures.</summary>
    public static int Client(long limit)
    {
        long wrong = 0;
        ulong least = ulong.MaxValue;
        ulong most = 0;
        ulong total = 0;
        long calls = 0;
        for (; limit == 0 || calls < limit; calls++)
        {
            var message = new Message { Label = 1, W0 = (ulong)calls };
            ulong start = Time.MonotonicNs;
            SyscallStatus status = Ipc.Call(ClientSlot, ref message);
            ulong took = Time.MonotonicNs - start;
            if (status != SyscallStatus.Ok)
            {
                // Its server was killed: the pair is over (silently, unless a limit was set).
                if (limit != 0)
                {
                    Log.WriteLine($"work ipc: call failed after {calls} round trips (status {(int)status})");
                }

                return 1;
            }

            wrong += message.W0 == (ulong)calls + 1 ? 0 : 1;
            least = Math.Min(least, took);
            most = Math.Max(most, took);
            total += took;
        }

        Log.WriteLine($"work ipc: {calls} round trips, mean {total / (ulong)Math.Max(1, calls)} ns, least {least} ns, most {most} ns, {wrong} wrong answers");
        return wrong == 0 ? 0 : 1;
    }
}
