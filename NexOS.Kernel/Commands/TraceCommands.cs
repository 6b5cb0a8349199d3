using NexOS.Ai.Models;
using NexOS.Core.Heap;
using NexOS.Kernel.Hooks;
using NexOS.Kernel.SelfEvolution;
using NexOS.Runtime.Gc;
using NexOS.Security.Patching;

namespace NexOS.Kernel.Commands;

/// <summary>
/// `evolve trace start|stop|status|dump|use|cost`: the live heap's allocation recorder
/// (<see cref="GcHeap.StartRecording"/>). dump prints the recording as an allocation trace
/// (<see cref="AllocationTrace"/> text, which the host's simulator replays); use hands it to
/// the memory model as the trace it simulates; cost measures what recording adds to an
/// allocation.
/// </summary>
internal static class TraceCommands
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: evolve trace start|stop|status|dump|use|cost\n";

    /// <summary>Most objects a trace made from the recording holds (bigger ones are scaled):
    /// the simulator keeps 4 bytes per object, so 1 MiB at most.</summary>
    public const int MaxObjects = 1 << 18;

    private const int CostAllocations = 200_000;
    private const int CostRounds = 3;

    /// <summary>Runs the subcommand in <paramref name="args"/> (what follows "trace").</summary>
    public static string Run(ReadOnlySpan<string> args)
    {
        if (args.Length != 1)
        {
            return Usage;
        }

        return args[0] switch
        {
            "start" => GcHeap.StartRecording()
                ? $"recording allocations (first epoch: the heap after a collection; room for {GcHeap.RecordEpochs} collections)\n"
                : "evolve trace start: the recorder could not start (no memory for its buffer, or the collection could not run)\n",
            "stop" => Stop(),
            "status" => Status(),
            "dump" => Dump(),
            "use" => Use(),
            "cost" => Cost(),
            _ => Usage,
        };
    }

    private static string Stop()
    {
        bool was = GcHeap.Recording;
        GcHeap.StopRecording();
        return was ? $"recording stopped after {GcHeap.RecordedCollections} epochs\n" : "evolve trace stop: not recording\n";
    }

    private static string Status()
    {
        AllocationRecording r = Recorded();
        string state = GcHeap.Recording ? "recording" : GcHeap.RecordingFull ? "stopped (buffer full)" : "off";
        return $"recorder {state}: {r.Epochs} epochs of {GcHeap.RecordEpochs}, {GcHeap.RecordedCollections} collections, {r.TraceableObjects()} objects of 24..8192 bytes, {r.SmallestClassObjects()} of 16 bytes, {r.LargeObjects} large\n";
    }

    private static AllocationRecording Recorded()
    {
        var r = new AllocationRecording();
        r.AddFlat(GcHeap.RecordedWords());
        r.LargeObjects = GcHeap.RecordedLargeObjects;
        return r;
    }

    /// <summary>The recording as trace text, with a comment line saying what it approximates;
    /// null text when nothing was recorded.</summary>
    private static AllocationTrace? Trace(out string note)
    {
        AllocationRecording r = Recorded();
        if (r.Epochs == 0)
        {
            note = "nothing recorded (evolve trace start)";
            return null;
        }

        return r.ToTrace(MaxObjects, out note);
    }

    private static string Dump()
    {
        AllocationTrace? trace = Trace(out string note);
        if (trace == null)
        {
            return $"evolve trace dump: {note}\n";
        }

        string text = trace.Write();
        int header = text.IndexOf('\n') + 1;
        return string.Concat(text.AsSpan(0, header), $"# recorded on the live heap: {note}\n", text.AsSpan(header));
    }

    private static string Use()
    {
        AllocationTrace? trace = Trace(out string note);
        PatchManager? manager = KernelEvolution.Manager;
        if (trace == null || manager == null)
        {
            return $"evolve trace use: {(trace == null ? note : "the engine is not running")}\n";
        }

        lock (manager.Gate)
        {
            if (KernelEvolution.Engine?.FindModel("memory") is not MemoryModel model)
            {
                return "evolve trace use: the engine has no memory model\n";
            }

            model.Trace = trace;
        }

        return $"memory model: simulating the live recording ({trace.Ops.Count} steps; {note})\n";
    }

    /// <summary>Best of <see cref="CostRounds"/> timings of the same allocation loop with the
    /// recorder off and on. Replaces any recording.</summary>
    private static string Cost()
    {
        if (GcHeap.Recording)
        {
            return "evolve trace cost: stop the recording first (cost replaces it)\n";
        }

        ulong off = ulong.MaxValue, on = ulong.MaxValue;
        for (int round = 0; round < CostRounds; round++)
        {
            GC.Collect();
            off = Math.Min(off, Loop());
            GcHeap.StartRecording();
            on = Math.Min(on, Loop());
            GcHeap.StopRecording();
        }

        double offNs = (double)off / CostAllocations, onNs = (double)on / CostAllocations;
        return $"allocation cost, best of {CostRounds} x {CostAllocations} allocations of 32 bytes (collections included): recorder off {offNs:F1} ns, on {onNs:F1} ns per allocation ({onNs - offNs:F1} ns, {(onNs - offNs) * 100 / offNs:F1}%)\n";
    }

    private static ulong Loop()
    {
        object? keep = null;
        ulong start = Arch.X64.Tsc.NowNs;
        for (int i = 0; i < CostAllocations; i++)
        {
            keep = new byte[8];
        }

        ulong took = Arch.X64.Tsc.NowNs - start;
        GC.KeepAlive(keep);
        return took;
    }
}
