using NexOS.Ai.Models;
using NexOS.Core.Policy;
using NexOS.Core.Scheduling;

namespace NexOS.Tests.Ai.Scheduling;

/// <summary>The scheduler demo's workload and starting configuration, for the host tests.</summary>
internal static class SchedulerKit
{
    /// <summary>The demo's mix: 4 I/O-bound threads (30 us bursts, 10 ms blocks) and 6 CPU-bound threads.</summary>
    public static SchedulerWorkload DemoWorkload() => new()
    {
        IoThreads = 4,
        IoBurstNs = 30_000,
        IoBlockNs = 10_000_000,
        CpuThreads = 6,
        CpuBurstNs = 0,
        CpuBlockNs = 0,
    };

    /// <summary>The demo's starting point: the adaptive policy as plain round robin (no boost, no decay).</summary>
    public static ParameterSet PlainRoundRobin()
    {
        var policy = new AdaptivePolicy();
        policy.Parameters.TrySet("boost_levels", 0);
        policy.Parameters.TrySet("max_boost", 0);
        policy.Parameters.TrySet("max_decay", 0);
        return policy.Parameters;
    }
}
