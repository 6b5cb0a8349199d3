using NexOS.Core.Policy;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.Security.Patching;

/// <summary>A manager wired like the kernel's, with a manual clock and the catalog's hooks.</summary>
internal sealed class EvolutionKit : IEvolveHost
{
    private ulong _nextId = 100;

    public EvolutionKit(SecurityLevel level = SecurityLevel.Permissive)
    {
        Registry = new HookRegistry(() => NowNs);
        Slice = HookCatalog.CreateTimeSlice();
        Priority = HookCatalog.CreatePriority();
        Budget = HookCatalog.CreateGcBudget();
        Registry.AddHook(Slice);
        Registry.AddHook(Priority);
        Registry.AddHook(Budget);
        Normal = new ParameterSet();
        Normal.Add(new Parameter("slice_ns", "ns", 100_000, 1_000_000_000, 10_000_000, "slice"));
        Gc = new ParameterSet();
        Gc.Add(new Parameter("gc.growth_percent", "percent", 10, 1000, 100, "growth"));
        Registry.AddParameterSet("sched.normal", Normal, SafetyClass.Tuning);
        Registry.AddParameterSet("gc", Gc, SafetyClass.Tuning);
        Power = new ParameterSet();
        Power.Add(new Parameter("timer_slack_us", "us", 0, 20_000, 0, "slack"));
        Registry.AddParameterSet("power", Power, SafetyClass.Tuning);
        Trail = new AuditTrail(256);
        Manager = new PatchManager(Registry, Trail, new PatchKeyRing(), this, level);
    }

    public HookRegistry Registry { get; }

    public PolicyHook Slice { get; }

    public PolicyHook Priority { get; }

    public PolicyHook Budget { get; }

    public ParameterSet Normal { get; }

    public ParameterSet Gc { get; }

    public ParameterSet Power { get; }

    public AuditTrail Trail { get; }

    public PatchManager Manager { get; }

    public ulong NowNs { get; set; } = 1_000_000_000;

    public int Entered { get; private set; }

    public ulong Enter()
    {
        Entered++;
        return 0;
    }

    public void Leave(ulong state)
    {
    }

    /// <summary>Submits a catalog sample with a fresh id.</summary>
    public SubmitResult Apply(string name)
    {
        byte[] bytes = SamplePatchCatalog.Build(name, _nextId++)!;
        Assert.That(bytes, Is.Not.Null, name);
        NowNs += 1_000_000;
        return Manager.Submit(bytes, PatchOrigin.Engine);
    }

    /// <summary>Calls every hook <paramref name="count"/> times with varied contexts, then ticks.</summary>
    public int Exercise(int count, int seed = 1)
    {
        var random = new Random(seed);
        var c = new long[16];
        foreach (PolicyHook hook in Registry.Hooks)
        {
            for (int i = 0; i < count; i++)
            {
                Shape(hook.Name, c, random);
                hook.Invoke(c.AsSpan(0, hook.Signature.ContextFieldCount));
            }
        }

        NowNs += 1_000_000;
        return Manager.Tick();
    }

    public static void Shape(string hook, long[] c, Random random)
    {
        Array.Clear(c);
        if (hook == HookCatalog.TimeSliceName)
        {
            c[0] = random.Next(2_000_000, 10_000_000);
            c[1] = random.Next(32);
            c[2] = random.Next(32);
            c[9] = random.Next(8);
        }
        else if (hook == HookCatalog.PriorityName)
        {
            c[1] = random.Next(4, 28);
            c[0] = c[1] + random.Next(-4, 5);
            c[2] = random.Next(5);
        }
        else
        {
            c[1] = (long)random.Next(64) << 20;
            c[4] = 4096;
            c[5] = 100;
            c[0] = Math.Max(c[4] * 1024, c[1]);
        }
    }
}
