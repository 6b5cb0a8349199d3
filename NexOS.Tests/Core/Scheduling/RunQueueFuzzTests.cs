using NexOS.Core.Scheduling;
using static NexOS.Tests.Core.Scheduling.SchedKit;

namespace NexOS.Tests.Core.Scheduling;

/// <summary>
/// Random operation sequences (fixed seeds) checked step by step against simple reference
/// models: a list per level for the priority queues, a sorted scan for the deadline heap.
/// </summary>
[TestFixture]
public sealed class RunQueueFuzzTests
{
    [TestCase("priority", 1)]
    [TestCase("priority", 2)]
    [TestCase("priority", 3)]
    [TestCase("adaptive", 1)]
    [TestCase("adaptive", 4)]
    public void PriorityQueueMatchesAListPerLevel(string policyName, int seed)
    {
        ISchedulerPolicy policy = CreateNormalPolicy(policyName);
        var random = new Random(seed);
        var threads = new SchedThread[48];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = Normal(i, random.Next(SchedThread.MinPriority, SchedThread.MaxPriority + 1));
        }

        var model = new List<SchedThread>[32];
        for (int level = 0; level < model.Length; level++)
        {
            model[level] = new List<SchedThread>();
        }

        for (int step = 0; step < 20_000; step++)
        {
            SchedThread t = threads[random.Next(threads.Length)];
            int op = random.Next(10);
            if (op < 4)
            {
                bool queued = Find(model, t) >= 0;
                if (!queued)
                {
                    // Only an unqueued thread may change priority; the policy must follow it.
                    t.BasePriority = random.Next(32);
                    t.EffectivePriority = t.BasePriority;
                }

                bool added = policy.Add(t, null, 0);
                Assert.That(added, Is.EqualTo(!queued), $"step {step}: Add returns true only for a new thread when the CPU is idle");
                if (!queued)
                {
                    model[t.BasePriority].Add(t);
                }
            }
            else if (op < 7)
            {
                int level = Find(model, t);
                Assert.That(policy.Remove(t), Is.EqualTo(level >= 0), $"step {step}: Remove");
                if (level >= 0)
                {
                    model[level].Remove(t);
                }
            }
            else
            {
                SchedThread? expected = null;
                for (int level = 31; level >= 0 && expected == null; level--)
                {
                    if (model[level].Count > 0)
                    {
                        expected = model[level][0];
                        model[level].RemoveAt(0);
                    }
                }

                Assert.That(policy.PickNext(0), Is.SameAs(expected), $"step {step}: PickNext");
            }

            AssertMatches(policy, model, step);
        }
    }

    [TestCase(7)]
    [TestCase(8)]
    [TestCase(9)]
    public void DeadlineHeapPicksInDeadlineOrder(int seed)
    {
        var policy = new RealTimePolicy();
        Assert.That(policy.Parameters.TrySet("max_utilization_percent", 100), Is.Null);
        var random = new Random(seed);
        var threads = new SchedThread[40];
        for (int i = 0; i < threads.Length; i++)
        {
            // Tiny budgets keep the sum of utilizations far below the limit.
            threads[i] = Admitted(policy, i, 1, (ulong)random.Next(1, 50) * Ms);
        }

        var model = new List<SchedThread>();
        for (int step = 0; step < 20_000; step++)
        {
            SchedThread t = threads[random.Next(threads.Length)];
            int op = random.Next(10);
            if (op < 4)
            {
                policy.Add(t, null, 0);
                if (!model.Contains(t))
                {
                    model.Add(t);
                }
            }
            else if (op < 6)
            {
                Assert.That(policy.Remove(t), Is.EqualTo(model.Remove(t)), $"step {step}: Remove");
            }
            else
            {
                SchedThread? expected = null;
                foreach (SchedThread m in model)
                {
                    if (expected == null || m.DeadlineNs < expected.DeadlineNs
                        || (m.DeadlineNs == expected.DeadlineNs && m.Id < expected.Id))
                    {
                        expected = m;
                    }
                }

                if (expected != null)
                {
                    model.Remove(expected);
                }

                Assert.That(policy.PickNext(0), Is.SameAs(expected), $"step {step}: PickNext");
            }

            Assert.That(policy.RunnableCount, Is.EqualTo(model.Count), $"step {step}: count");
        }

        Assert.That(policy.DeadlineMisses, Is.Zero);
    }

    private static int Find(List<SchedThread>[] model, SchedThread t)
    {
        for (int level = 0; level < model.Length; level++)
        {
            if (model[level].Contains(t))
            {
                return level;
            }
        }

        return -1;
    }

    private static void AssertMatches(ISchedulerPolicy policy, List<SchedThread>[] model, int step)
    {
        uint bitmap = 0;
        int count = 0;
        for (int level = 0; level < model.Length; level++)
        {
            if (model[level].Count > 0)
            {
                bitmap |= 1u << level;
                count += model[level].Count;
            }
        }

        uint actual = policy is PriorityRoundRobinPolicy p ? p.LevelBitmap : ((AdaptivePolicy)policy).LevelBitmap;
        Assert.That(actual, Is.EqualTo(bitmap), $"step {step}: bitmap");
        Assert.That(policy.RunnableCount, Is.EqualTo(count), $"step {step}: count");
    }
}
