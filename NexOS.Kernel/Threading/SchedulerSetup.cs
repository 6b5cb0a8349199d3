using NexOS.Core.Scheduling;

namespace NexOS.Kernel.Threading;

/// <summary>The scheduler configuration the kernel boots with, and the named normal-class
/// policies `sched policy` can switch between.</summary>
internal static class SchedulerSetup
{
    public static MultiClassScheduler CreatePolicy() => new(new AdaptivePolicy());

    /// <summary>A fresh normal-class policy by name, or null for an unknown name.</summary>
    public static ISchedulerPolicy? CreateNormalPolicy(string name) => name switch
    {
        "priority" => new PriorityRoundRobinPolicy(),
        "adaptive" => new AdaptivePolicy(),
        _ => null,
    };
}
