using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Heap;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Runtime.Gc;
using NexOS.Security.Patching;
using NexOS.Services.Shell;
using NexOS.Kernel.SelfEvolution;

namespace NexOS.Kernel.Demos;

/// <summary>
/// `evolve demo memory`: the fragmenting pattern (<see cref="FragmentingPattern"/>) played on
/// the real heap drives fragmentation over 50%; the engine's memory model, given the recent
/// trace, proposes the strategy its simulator likes best; the engine submits it, the patch
/// manager verifies it under the security level and applies it, the workload goes on and
/// fragmentation falls; the engine measures and keeps it, and the model learns. Then two
/// harmful candidates: "never reuse a partly used page", which the policy refuses (a jump past
/// the step limit), and "reuse only pages at most 75% free", which is applied, measured worse
/// and rolled back. At the end the kept patch is rolled back and the
/// demo's objects dropped: the default strategy is in force again.
/// </summary>
internal static partial class MemoryDemo
{
    private const int Rounds = 4;
    private const ulong Tick = 100_000_000;
    private const int ConcludeTicks = 60;

    /// <summary>The demo's pattern with <paramref name="rounds"/> working-set rounds.</summary>
    public static FragmentingPattern Pattern(int rounds) => new(rounds);

    public static void Run(IShellHost host)
    {
        PatchManager? manager = KernelEvolution.Manager;
        EvolutionEngine? engine = KernelEvolution.Engine;
        MemoryModel? model = null;
        if (manager != null && engine != null)
        {
            lock (manager.Gate)
            {
                model = engine.FindModel("memory") as MemoryModel;
            }
        }

        if (manager == null || engine == null || model == null)
        {
            host.Write("evolve demo memory: the engine or its memory model is not running\n");
            return;
        }

        var run = new DemoRun(host, manager, engine, model);
        KernelEvolution.UseFastCycles(true);
        try
        {
            run.Execute();
        }
        finally
        {
            KernelEvolution.UseFastCycles(false);
        }
    }

    /// <summary>Ticks of the evolve thread, waited for on the shell's thread.</summary>
    private static void WaitRounds(EvolutionEngine engine, int rounds)
    {
        ulong target = engine.Monitor.Rounds + (ulong)rounds;
        for (int i = 0; i < rounds * 4 && engine.Monitor.Rounds < target; i++)
        {
            Scheduler.Sleep(Tick / 2);
        }
    }

    private static void WaitConcluded(EvolutionEngine engine, Proposal p)
    {
        for (int i = 0; i < ConcludeTicks && p.State == ProposalState.OnTrial; i++)
        {
            WaitRounds(engine, 1);
        }
    }

    // The engine's CPU time on whichever thread it ran (its cycles and the demo's analyses).
    private static ulong EvolveCpuNs() => KernelEvolution.Engine?.Cost.BusyNs ?? 0;

    private sealed partial class DemoRun
    {
        private readonly IShellHost _host;
        private readonly PatchManager _manager;
        private readonly EvolutionEngine _engine;
        private readonly MemoryModel _model;
        private readonly FragmentingPattern _pattern = Pattern(Rounds);
        private readonly TraceReplayer _replay;
        private readonly ulong _startNs = Tsc.NowNs;
        private readonly ulong _startCpuNs = EvolveCpuNs();
        private ulong _modelNs;
        private ulong _modelBytes;

        public DemoRun(IShellHost host, PatchManager manager, EvolutionEngine engine, MemoryModel model)
        {
            _host = host;
            _manager = manager;
            _engine = engine;
            _model = model;
            _replay = new TraceReplayer(_pattern.Trace);
        }

        public void Execute()
        {
            bool auto;
            lock (_manager.Gate)
            {
                auto = _engine.Auto;
                _engine.Auto = false; // the demo submits; the engine still measures and judges
            }

            PlacementSettings found = GcTuning.Placement.Read();
            _replay.PlayTo(_pattern.PhaseEnds[1]);
            WaitRounds(_engine, MemoryModel.Window + 1);
            double before = GcHeap.Fragmentation;
            Baseline(before);

            Proposal? good = Detect();
            double after = before;
            if (good != null && good.State == ProposalState.OnTrial)
            {
                WaitConcluded(_engine, good);
                after = GcHeap.Fragmentation;
                Applied(good, after);
                Harmful(out Proposal? refused, out Proposal? harmful, out double underHarm);
                double recovered = Recover();
                Learning();
                Finish(auto, found, before, after, good, refused, harmful, underHarm, recovered);
                return;
            }

            Finish(auto, found, before, after, good, null, null, double.NaN, double.NaN);
        }

        private Proposal? Detect()
        {
            Proposal? good = null;
            string verdict = "no proposal";
            double window;
            ulong t0 = Tsc.NowNs;
            lock (_manager.Gate)
            {
                ulong bytes0 = GcHeap.TotalAllocatedBytes;
                _model.Trace = Pattern(1).Trace; // the recent trace: setup and one round
                foreach (Proposal p in _engine.Analyse(Tsc.NowNs))
                {
                    if (p.Model == _model.Name)
                    {
                        good = p;
                        break;
                    }
                }

                _modelNs += Tsc.NowNs - t0;
                _modelBytes += GcHeap.TotalAllocatedBytes - bytes0;
                window = _engine.Snapshot.Statistics(MemoryModel.FragmentationChannel, MemoryModel.Window).Mean;
                if (good != null)
                {
                    verdict = _engine.Submit(good, Tsc.NowNs);
                    if (good.State == ProposalState.OnTrial)
                    {
                        // The workload goes on under the new strategy (it takes effect at the
                        // round's first collection); the gate keeps the engine from sampling a
                        // half-played round.
                        _replay.PlayTo(_pattern.PhaseEnds[2]);
                    }
                }
            }

            Detected(good, window, verdict, Tsc.NowNs - t0);
            return good;
        }

        private void Harmful(out Proposal? refused, out Proposal? harmful, out double underHarm)
        {
            lock (_manager.Gate)
            {
                ulong t0 = Tsc.NowNs;
                ulong bytes0 = GcHeap.TotalAllocatedBytes;
                refused = _model.Candidate(_engine.Snapshot, PlacementParameters.ReuseName, 0);
                harmful = _model.Candidate(_engine.Snapshot, PlacementParameters.ReuseName, 75);
                _modelNs += Tsc.NowNs - t0;
                _modelBytes += GcHeap.TotalAllocatedBytes - bytes0;
                if (refused != null)
                {
                    _engine.Submit(refused, Tsc.NowNs);
                }

                if (harmful != null)
                {
                    _engine.Submit(harmful, Tsc.NowNs);
                    if (harmful.State == ProposalState.OnTrial)
                    {
                        _replay.PlayTo(_pattern.PhaseEnds[3]);
                    }
                }
            }

            underHarm = GcHeap.Fragmentation;
            if (harmful != null)
            {
                WaitConcluded(_engine, harmful);
            }

            HarmfulReport(refused, harmful, underHarm);
        }

        private double Recover()
        {
            lock (_manager.Gate)
            {
                _replay.PlayTo(_pattern.PhaseEnds[4]);
            }

            double recovered = GcHeap.Fragmentation;
            Write($"{{\"scenario\":\"memory\",\"phase\":\"recovered\",\"fragmentation\":{recovered:F3},\"strategy\":\"{GcHeap.Placement}\"}}");
            return recovered;
        }

        private void Finish(bool auto, PlacementSettings found, double before, double after, Proposal? good,
            Proposal? refused, Proposal? harmful, double underHarm, double recovered)
        {
            string rollback = "none";
            SimulationResult best = default;
            ulong sweepNs = 0;
            lock (_manager.Gate)
            {
                if (good != null && good.State == ProposalState.Kept)
                {
                    rollback = _manager.Rollback(good.PatchId);
                }

                _engine.Auto = auto;
                _model.Trace = null;
            }

            _replay.Release();
            if (good != null)
            {
                ulong t0 = Tsc.NowNs;
                best = PlacementSweep.Best(Pattern(1).Trace, 25);
                sweepNs = Tsc.NowNs - t0;
            }

            Result(found, before, after, good, refused, harmful, underHarm, recovered, best, sweepNs, rollback);
        }
    }
}
