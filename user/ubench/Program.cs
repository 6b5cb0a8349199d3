using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.UBench;

/// <summary>
/// The user-space benchmarks, each measured from a process in ring 3 and printed as one JSON
/// line in the kernel benchmarks' format (median, p99, mean and max of per-operation times
/// over batches): a null system call, an IPC call/reply round trip with another process,
/// spawning and waiting for a tiny static program (bin/true), and a demand-zero page fault.
/// `ubench` runs them all; `ubench null|ipc|spawn|fault` one; `ubench serve` is the IPC
/// partner it starts itself (slot 1: the endpoint).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string which = args.Length > 0 ? args[0] : "all";
        if (which == "serve")
        {
            return Serve();
        }

        bool all = which == "all";
        bool known = all || which is "null" or "ipc" or "spawn" or "fault";
        if (!known)
        {
            Log.WriteLine("usage: ubench [null|ipc|spawn|fault]");
            return 2;
        }

        int failures = 0;
        if (all || which == "null")
        {
            Report("user_null_syscall", NullCalls());
        }

        if (all || which == "ipc")
        {
            failures += Report("user_ipc_roundtrip", RoundTrips()) ? 0 : 1;
        }

        if (all || which == "spawn")
        {
            failures += Report("user_spawn_wait", SpawnWaits()) ? 0 : 1;
        }

        if (all || which == "fault")
        {
            failures += Report("user_page_fault", PageFaults()) ? 0 : 1;
        }

        return failures;
    }

    /// <summary>100 batches of 1,000 null calls.</summary>
    private static BenchSamples NullCalls()
    {
        var samples = new BenchSamples(100, 1000);
        for (int b = 0; b < samples.Batches; b++)
        {
            ulong start = Time.MonotonicNs;
            for (int i = 0; i < samples.PerBatch; i++)
            {
                Syscalls.Invoke(Syscall.Null);
            }

            samples.Add(Time.MonotonicNs - start);
        }

        return samples;
    }

    /// <summary>100 batches of 100 round trips with `ubench serve`, which adds one to W0.</summary>
    private static BenchSamples? RoundTrips()
    {
        long endpoint = Ipc.CreateEndpoint();
        long receive = endpoint < 0 ? endpoint : Children.Copy((int)endpoint, 2);
        if (receive < 0)
        {
            return Fail("ipc: no endpoint");
        }

        long server = Children.Spawn("ubench serve", stackalloc ulong[] { (ulong)receive });
        if (server < 0)
        {
            return Fail($"ipc: cannot start the server ({-server})");
        }

        var samples = new BenchSamples(100, 100);
        ulong value = 0;
        for (int b = 0; b < samples.Batches; b++)
        {
            ulong start = Time.MonotonicNs;
            for (int i = 0; i < samples.PerBatch; i++)
            {
                var message = new Message { Label = 1, W0 = value };
                if (Ipc.Call((int)endpoint, ref message) != SyscallStatus.Ok || message.W0 != value + 1)
                {
                    Children.Kill((int)server);
                    return Fail("ipc: a wrong or failed reply");
                }

                value++;
            }

            samples.Add(Time.MonotonicNs - start);
        }

        Children.Kill((int)server);
        Children.Wait((int)server);
        return samples;
    }

    /// <summary>50 spawns of bin/true, each waited for.</summary>
    private static BenchSamples? SpawnWaits()
    {
        var samples = new BenchSamples(50, 1);
        for (int b = 0; b < samples.Batches; b++)
        {
            ulong start = Time.MonotonicNs;
            long child = Children.Spawn("true", default);
            long code = child < 0 ? child : Children.Wait((int)child);
            samples.Add(Time.MonotonicNs - start);
            if (child >= 0)
            {
                Children.Close((int)child);
            }

            if (code != 0)
            {
                return Fail($"spawn: bin/true failed ({code})");
            }
        }

        return samples;
    }

    /// <summary>64 batches of 64 first touches of fresh pages (16 MiB in all).</summary>
    private static unsafe BenchSamples? PageFaults()
    {
        var samples = new BenchSamples(64, 64);
        ulong bytes = (ulong)samples.Batches * (ulong)samples.PerBatch * 4096;
        if (Memory.Map(0, bytes, Protection.Read | Protection.Write, out ulong region) != SyscallStatus.Ok)
        {
            return Fail("fault: no memory");
        }

        byte* page = (byte*)region;
        for (int b = 0; b < samples.Batches; b++)
        {
            ulong start = Time.MonotonicNs;
            for (int i = 0; i < samples.PerBatch; i++)
            {
                *page = 1;
                page += 4096;
            }

            samples.Add(Time.MonotonicNs - start);
        }

        Memory.Unmap(region, bytes);
        return samples;
    }

    /// <summary>The IPC partner: answers every call with W0 + 1 until it is killed.</summary>
    private static int Serve()
    {
        const int endpoint = 1;
        if (Ipc.Receive(endpoint, out Message message, out _) != SyscallStatus.Ok)
        {
            return 1;
        }

        while (true)
        {
            message.W0++;
            if (Ipc.ReplyReceive(endpoint, ref message, out _) != SyscallStatus.Ok)
            {
                return 1;
            }
        }
    }

    private static BenchSamples? Fail(string why)
    {
        Log.WriteLine("ubench: " + why);
        return null;
    }

    private static bool Report(string name, BenchSamples? samples)
    {
        if (samples == null)
        {
            Log.WriteLine($"{{\"bench\":\"{name}\",\"error\":\"failed\"}}");
            return false;
        }

        Log.WriteLine(samples.Json(name));
        return true;
    }
}
