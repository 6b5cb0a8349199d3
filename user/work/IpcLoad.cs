using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.Work;

/// <summary>
/// The ipc workload: a pair of processes over an endpoint this one creates. `work ipc` is the
/// client: it starts `work ipc-server`, calls it with a number and checks that the answer is
/// the number plus one. The server cannot learn of its client's end from the endpoint (a
/// caller that goes away leaves nothing to receive), so the client hands it its own exit
/// notification, which `spawn` gives it in slot 1: the server looks at it whenever no call
/// came for 100 ms, and ends when its client has. Ending the client (the pid `spawn` prints)
/// therefore ends the pair. Ending the server alone is not supported: a call the client makes
/// while no server receives waits for one (the kernel keeps calls for a restarted server).
/// With a limit the client ends the server itself, so it needs no notification.
/// </summary>
internal static class IpcLoad
{
    private const ulong ServerIdleNs = 100_000_000;
    private const ulong ReceiveRight = 2;
    private const int ExitNotificationSlot = 1;
    private const int ServerEndpointSlot = 1;
    private const int ServerWatchSlot = 2;

    /// <summary>Calls <paramref name="limit"/> times (0: until killed) and checks every answer;
    /// with a limit, ends the server and writes the round trips' figures.</summary>
    public static int Client(long limit)
    {
        bool watched = IsNotification(ExitNotificationSlot);
        if (limit == 0 && !watched)
        {
            Log.WriteLine("work ipc: without a limit its server must be able to see it end: start it with `spawn ipc`, which hands it its exit notification, or give a limit");
            return 2;
        }

        long endpoint = Ipc.CreateEndpoint();
        long receive = endpoint < 0 ? endpoint : Children.Copy((int)endpoint, ReceiveRight);
        if (receive < 0)
        {
            Log.WriteLine($"work ipc: no endpoint (status {-receive})");
            return 1;
        }

        long server = watched
            ? Children.Spawn("work ipc-server", stackalloc ulong[] { (ulong)receive, ExitNotificationSlot })
            : Children.Spawn("work ipc-server", stackalloc ulong[] { (ulong)receive });
        _ = Children.Close((int)receive);
        if (server < 0)
        {
            Log.WriteLine($"work ipc: cannot start the server (status {-server})");
            return 1;
        }

        int result = Calls((int)endpoint, limit);
        _ = Children.Kill((int)server);
        _ = Children.Wait((int)server);
        return result;
    }

    /// <summary>Answers calls on slot 1 until the notification in slot 2 (if any) says the
    /// client ended, or until killed.</summary>
    public static int Serve()
    {
        bool watching = IsNotification(ServerWatchSlot);
        while (true)
        {
            SyscallStatus status = Ipc.Receive(ServerEndpointSlot, out Message call, out _, ServerIdleNs);
            if (status == SyscallStatus.TimedOut)
            {
                if (watching && Ipc.Wait(ServerWatchSlot, out _, 1) == SyscallStatus.Ok)
                {
                    return 0;
                }

                continue;
            }

            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"work ipc-server: receive failed (status {(int)status})");
                return 1;
            }

            var answer = new Message { Label = call.Label, W0 = call.W0 + 1 };
            _ = Ipc.Reply(in answer);
        }
    }

    private static int Calls(int endpoint, long limit)
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
            SyscallStatus status = Ipc.Call(endpoint, ref message);
            ulong took = Time.MonotonicNs - start;
            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"work ipc: call failed after {calls} round trips (status {(int)status})");
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

    private static bool IsNotification(int slot)
    {
        long described = Syscalls.Invoke(Syscall.CapabilityInspect, (ulong)slot);
        return described >= 0 && (CapabilityKind)((described >> 32) & 0xFF) == CapabilityKind.Notification;
    }
}
