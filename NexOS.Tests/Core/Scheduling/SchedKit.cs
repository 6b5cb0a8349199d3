using NexOS.Core.Scheduling;

namespace NexOS.Tests.Core.Scheduling;

/// <summary>Builders and helpers the scheduling tests share.</summary>
internal static class SchedKit
{
    public const ulong Us = 1_000;
    public const ulong Ms = 1_000_000;

    public static SchedThread Normal(int id, int priority = 16) => new(id, $"n{id}", SchedClass.Normal, priority);

    public static SchedThread Idle(int id) => new(id, $"i{id}", SchedClass.Idle, 0);

    /// <summary>A real-time thread with a reservation; not yet admitted.</summary>
    public static SchedThread RealTime(int id, ulong budgetNs, ulong periodNs) =>
        new(id, $"rt{id}", SchedClass.RealTime, 16) { BudgetNs = budgetNs, PeriodNs = periodNs };

    /// <summary>A real-time thread admitted by <paramref name="policy"/>; fails the test otherwise.</summary>
    public static SchedThread Admitted(RealTimePolicy policy, int id, ulong budgetNs, ulong periodNs)
    {
        SchedThread t = RealTime(id, budgetNs, periodNs);
        Assert.That(policy.TryAdmit(t, out string? error), Is.True, error);
        return t;
    }

    /// <summary>Picks until the policy returns null; the ids in pick order.</summary>
    public static List<int> DrainIds(ISchedulerPolicy policy, ulong nowNs = 0)
    {
        var ids = new List<int>();
        for (SchedThread? t = policy.PickNext(nowNs); t != null; t = policy.PickNext(nowNs))
        {
            ids.Add(t.Id);
            Assert.That(ids.Count, Is.LessThan(10_000), "PickNext never ran dry");
        }

        return ids;
    }

    public static ISchedulerPolicy CreateNormalPolicy(string name) => name switch
    {
        "priority" => new PriorityRoundRobinPolicy(),
        "adaptive" => new AdaptivePolicy(),
        _ => throw new ArgumentException(name, nameof(name)),
    };
}
