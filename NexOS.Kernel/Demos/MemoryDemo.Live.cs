using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Heap;
using NexOS.Kernel.Arch.X64;
using NexOS.Runtime.Gc;
using NexOS.Security.Patching;
using NexOS.Services.Shell;
using NexOS.Kernel.SelfEvolution;

namespace NexOS.Kernel.Demos;

/// <summary>
/// `evolve demo memory-live`: the memory model fed the live heap's own recording instead of
/// the synthetic trace. The fragmenting pattern is played on the real heap with the allocation
/// recorder on (everything else the kernel allocates meanwhile is recorded too); the recording
/// becomes a trace, the simulator replays it under today's strategy (to compare with the
/// fragmentation the heap measured), and the model searches it for its best change, which is
/// compared with what it picks on the synthetic trace. Nothing is submitted (the memory demo
/// does that); the recording stays for `evolve trace dump`.
/// </summary>
internal static partial class MemoryDemo
{
    public static void RunLive(IShellHost host)
    {
        PatchManager? manager = KernelEvolution.Manager;
        EvolutionEngine? engine = KernelEvolution.Engine;
        if (manager == null || engine == null || GcHeap.Recording)
        {
            host.Write(manager == null || engine == null ? "evolve demo memory-live: the engine is not running\n" : "evolve demo memory-live: a recording is running (evolve trace stop)\n");
            return;
        }

        var replay = new TraceReplayer(Pattern(1).Trace);
        if (!GcHeap.StartRecording())
        {
            host.Write("evolve demo memory-live: the allocation recorder could not start\n");
            return;
        }

        ulong t0 = Tsc.NowNs;
        replay.PlayTo(int.MaxValue);
        GcHeap.StopRecording();
        double live = GcHeap.Fragmentation;
        ulong playNs = Tsc.NowNs - t0;

        var recording = new AllocationRecording { LargeObjects = GcHeap.RecordedLargeObjects };
        recording.AddFlat(GcHeap.RecordedWords());
        t0 = Tsc.NowNs;
        AllocationTrace trace = recording.ToTrace(Commands.TraceCommands.MaxObjects, out string note);
        SimulationResult today = new AllocatorSimulator().Run(trace, GcTuning.Placement.Read());
        ulong convertNs = Tsc.NowNs - t0;
        replay.Release();

        Proposal? fromLive, fromSynthetic;
        lock (manager.Gate)
        {
            if (engine.FindModel("memory") is not MemoryModel model)
            {
                host.Write("evolve demo memory-live: the engine has no memory model\n");
                return;
            }

            AllocationTrace? previous = model.Trace;
            model.Trace = trace;
            fromLive = model.Best(engine.Snapshot);
            model.Trace = Pattern(1).Trace;
            fromSynthetic = model.Best(engine.Snapshot);
            model.Trace = previous;
        }

        host.Write($"{{\"scenario\":\"memory-live\",\"live_fragmentation\":{live:F3},\"recorded\":\"{Escape(note)}\",\"trace_steps\":{trace.Ops.Count}," +
            $"\"trace_objects\":{trace.Objects},\"sim_today\":{Num(today.Fragmentation)},\"sim_error\":{(today.Error == null ? "null" : $"\"{Escape(today.Error)}\"")}," +
            $"\"live_pick\":{Pick(fromLive)},\"synthetic_pick\":{Pick(fromSynthetic)},\"same_pick\":{(fromLive != null && fromSynthetic != null && fromLive.Family == fromSynthetic.Family ? "true" : "false")}," +
            $"\"play_ms\":{playNs / 1_000_000},\"convert_and_replay_ms\":{convertNs / 1_000_000}}}\n");
    }

    private static string Pick(Proposal? p) => p == null ? "null"
        : $"{{\"family\":\"{p.Family}\",\"simulated_gain_percent\":{Num(p.SimulatedGainPercent)},\"why\":\"{Escape(p.Why)}\"}}";
}
