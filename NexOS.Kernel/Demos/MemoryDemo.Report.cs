using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Heap;
using NexOS.Kernel.Arch.X64;
using NexOS.Runtime.Gc;

namespace NexOS.Kernel.Demos;

/// <summary>The memory demo's JSON lines: one object per phase and the result.</summary>
internal static partial class MemoryDemo
{
    private static string Escape(string s) => EvolveDemos.JsonEscape(s);

    private static string StateName(ProposalState s) => ProposalText.Name(s);

    private static string Num(double x) => double.IsNaN(x) || double.IsInfinity(x) ? "null" : $"{x:F3}";

    private sealed partial class DemoRun
    {
        private PlacementSettings _picked;

        private void Write(string json) => _host.Write(json + "\n");

        private void Baseline(double fragmentation) =>
            Write($"{{\"scenario\":\"memory\",\"phase\":\"baseline\",\"fragmentation\":{fragmentation:F3},\"strategy\":\"{GcHeap.Placement}\"," +
                $"\"pages\":{GcHeap.Pages.Count},\"live_kib\":{GcHeap.LiveBytes / 1024},\"committed_kib\":{GcHeap.CommittedBytes / 1024}," +
                $"\"survivor_holes\":{_pattern.Holes},\"trace_steps\":{_pattern.Trace.Ops.Count}}}");

        private void Detected(Proposal? p, double window, string verdict, ulong ns)
        {
            if (p == null)
            {
                Write($"{{\"scenario\":\"memory\",\"phase\":\"detect\",\"window_mean_percent\":{window:F1},\"proposal\":null,\"model\":\"{Escape(_model.Describe().Split('\n')[0])}\"}}");
                return;
            }

            Write($"{{\"scenario\":\"memory\",\"phase\":\"detect\",\"window_mean_percent\":{window:F1},\"proposal\":{p.Id},\"patch\":{p.PatchId}," +
                $"\"family\":\"{p.Family}\",\"simulated_gain_percent\":{Num(p.SimulatedGainPercent)},\"side_cost_percent\":{Num(p.SideCostPercent)}," +
                $"\"score\":{Num(p.Score)},\"state\":\"{StateName(p.State)}\",\"verdict\":\"{Escape(verdict)}\",\"why\":\"{Escape(p.Why)}\",\"ms\":{ns / 1_000_000}}}");
        }

        private void Applied(Proposal p, double fragmentation)
        {
            _picked = GcTuning.Placement.Read();
            Write($"{{\"scenario\":\"memory\",\"phase\":\"applied\",\"fragmentation\":{fragmentation:F3},\"strategy\":\"{GcHeap.Placement}\"," +
                $"\"patch\":{p.PatchId},\"state\":\"{StateName(p.State)}\",\"metric_before\":{Num(p.MetricBefore)},\"metric_after\":{Num(p.MetricAfter)}," +
                $"\"pages\":{GcHeap.Pages.Count},\"committed_kib\":{GcHeap.CommittedBytes / 1024}}}");
        }

        private void HarmfulReport(Proposal? refused, Proposal? harmful, double underHarm)
        {
            Write($"{{\"scenario\":\"memory\",\"phase\":\"harmful\",\"candidates\":[{Candidate(refused, double.NaN)},{Candidate(harmful, underHarm)}]," +
                $"\"strategy_now\":\"{GcTuning.Placement.Read()}\"}}");
        }

        private static string Candidate(Proposal? p, double fragmentation) => p == null ? "null" :
            $"{{\"patch\":{p.PatchId},\"family\":\"{p.Family}\",\"simulated_gain_percent\":{Num(p.SimulatedGainPercent)},\"state\":\"{StateName(p.State)}\"," +
            $"\"fragmentation_under_it\":{Num(fragmentation)},\"metric_before\":{Num(p.MetricBefore)},\"metric_after\":{Num(p.MetricAfter)},\"verdict\":\"{Escape(p.Verdict)}\"}}";

        private void Learning()
        {
            Write($"{{\"scenario\":\"memory\",\"phase\":\"learn\",\"outcomes_learned\":{_model.Learned}," +
                $"\"reliability\":{{\"heap.borrow.more\":{Num(_model.ReliabilityOf("heap.borrow.more"))},\"heap.reuse.less\":{Num(_model.ReliabilityOf("heap.reuse.less"))}}}," +
                $"\"trust_in_memory\":{Num(_engine.Performance.TrustOf(_model.Name))},\"simulations\":{_model.Simulations}}}");
        }

        private void Result(PlacementSettings found, double before, double after, Proposal? good, Proposal? refused, Proposal? harmful,
            double underHarm, double recovered, SimulationResult best, ulong sweepNs, string rollback)
        {
            ulong took = Tsc.NowNs - _startNs;
            ulong cpu = EvolveCpuNs() - _startCpuNs;
            int rolledBack = (refused?.State == ProposalState.RolledBack ? 1 : 0) + (harmful?.State == ProposalState.RolledBack ? 1 : 0);
            int refusedCount = (refused?.State == ProposalState.Refused ? 1 : 0) + (harmful?.State == ProposalState.Refused ? 1 : 0);
            bool harmfulKept = refused?.State == ProposalState.Kept || harmful?.State == ProposalState.Kept;
            AllocationTrace recent = Pattern(1).Trace;
            var simulator = new AllocatorSimulator();
            double simToday = simulator.Run(recent, found).Fragmentation;
            double simPick = good == null ? simToday : simulator.Run(recent, _picked).Fragmentation;
            double shareOfBest = simToday - best.Fragmentation > 1e-9 ? (simToday - simPick) / (simToday - best.Fragmentation) : 1;
            bool intact = _manager.Trail.Verify().IsIntact;
            Write($"{{\"scenario\":\"memory\",\"metric\":\"fragmentation\",\"before\":{before:F3},\"after\":{after:F3}," +
                $"\"patches\":[{(good == null ? string.Empty : good.PatchId.ToString())}],\"kept\":\"{(good == null ? "none" : StateName(good.State))}\"," +
                $"\"rolled_back\":{rolledBack},\"refused\":{refusedCount},\"harmful_kept\":{(harmfulKept ? "true" : "false")}," +
                $"\"harmful_fragmentation\":{Num(underHarm)},\"recovered\":{Num(recovered)}," +
                $"\"engine_pick\":\"{_picked}\",\"sim_today\":{simToday:F3},\"sim_pick\":{simPick:F3},\"sweep_best\":\"{best.Settings}\",\"sweep_best_fragmentation\":{best.Fragmentation:F3}," +
                $"\"pick_share_of_best_gain\":{shareOfBest:F3},\"sweep_ms\":{sweepNs / 1_000_000}," +
                $"\"took_ms\":{took / 1_000_000},\"model_ms\":{_modelNs / 1_000_000},\"model_alloc_kib\":{_modelBytes / 1024}," +
                $"\"engine_cpu_ms\":{cpu / 1_000_000},\"engine_cpu_percent\":{(took == 0 ? 0 : cpu * 100.0 / took):F2}," +
                $"\"restore\":\"{Escape(rollback)}\",\"strategy_at_end\":\"{GcHeap.Placement}\",\"left_as_found\":{(GcHeap.Placement.Equals(found) ? "true" : "false")}," +
                $"\"audit\":\"{(intact ? "intact" : "broken")}\"}}");
        }
    }
}
