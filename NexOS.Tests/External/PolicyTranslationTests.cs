using System.IO;
using NexOS.Examples.Policies;
using NexOS.PatchTool;
using NexOS.Policy;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Tests.External;

/// <summary>Good policies become patches that parse, verify, and compute exactly what the C# does.</summary>
[TestFixture]
public class PolicyTranslationTests
{
    [Test]
    public void ExampleTimeSliceBecomesAnExternalPatchWithProvenance()
    {
        byte[] bytes = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        Assert.That(PatchReader.TryParse(bytes, out Patch? patch, out PatchError error), Is.True, error.Message);
        Assert.Multiple(() =>
        {
            Assert.That(patch!.Kind, Is.EqualTo(PatchKind.Cil));
            Assert.That(patch.Target, Is.EqualTo("sched.time_slice"));
            Assert.That(patch.Provenance.Origin, Is.EqualTo(PatchOrigin.External));
            Assert.That(patch.Provenance.Source, Is.EqualTo("Ada Lovelace"));
            Assert.That(patch.Provenance.Reason, Is.EqualTo("test"));
            Assert.That(patch.Provenance.GainMetric, Is.EqualTo("sched_latency_p99"));
            Assert.That(patch.Provenance.ExpectedGainBp, Is.EqualTo(-500));
            Assert.That(patch.Provenance.PatchId, Is.EqualTo(42UL));
            Assert.That(patch.Signature, Is.Null);
        });

        var names = new List<string>();
        foreach (CilToken token in patch!.Cil!.Tokens)
        {
            names.Add(token.Name);
            Assert.That(token.Token, Is.EqualTo(CilTokenTable.FirstToken + (uint)(names.Count - 1)));
        }

        Assert.That(names, Is.EquivalentTo(new[] { "policy_slice_ns", "interactivity", "runnable", "priority", "base_priority", "Math.Clamp(int64,int64,int64)" }));
    }

    [Test]
    public void TimeSliceRunsInTheInterpreterExactlyAsCompiledCSharp()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice"));
        var random = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            TimeSliceContext ctx = PolicyKit.RandomSlice(random);
            Assert.That(PolicyKit.Run(hook, PolicyKit.Values(ctx), out long slice), Is.EqualTo(CilExecStatus.Ok));
            Assert.That(slice, Is.EqualTo(SchedulerPolicies.TimeSlice(ctx)));
        }
    }

    [Test]
    public void PriorityPolicyRunsExactlyAsCompiledCSharp()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.Priority", "sched.priority_adjust"));
        var random = new Random(11);
        for (int i = 0; i < 5000; i++)
        {
            var ctx = new PriorityContext(random.Next(32), random.Next(28), random.Next(5), random.NextInt64(0, 20_000_000), random.Next(101), random.NextInt64(0, 1L << 40));
            Assert.That(PolicyKit.Run(hook, PolicyKit.Values(ctx), out long priority), Is.EqualTo(CilExecStatus.Ok));
            Assert.That(priority, Is.EqualTo(SchedulerPolicies.Priority(ctx)));
        }
    }

    [Test]
    public void CollectorBudgetPolicyRunsExactlyAsCompiledCSharp()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.ExampleAssembly, "CollectorPolicies.Budget", "gc.budget"));
        var random = new Random(13);
        for (int i = 0; i < 5000; i++)
        {
            var ctx = new GcBudgetContext(random.NextInt64(64 << 10, 1L << 32), random.NextInt64(0, 1L << 32), random.NextInt64(0, 1L << 33),
                random.NextInt64(0, 1L << 50), random.Next(64, 65536), random.Next(0, 400));
            Assert.That(PolicyKit.Run(hook, PolicyKit.Values(ctx), out long budget), Is.EqualTo(CilExecStatus.Ok));
            Assert.That(budget, Is.EqualTo(CollectorPolicies.Budget(ctx)));
        }
    }

    [Test]
    public void AtStandardTheLoopPolicyIsBuiltAndFuelBoundsIt()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSliceWithLoop"));
        var few = new TimeSliceContext(8_000_000, 16, 16, 0, 0, 0, 0, 0, 0, 5);
        Assert.That(PolicyKit.Run(hook, PolicyKit.Values(few), out long slice), Is.EqualTo(CilExecStatus.Ok));
        Assert.That(slice, Is.EqualTo(SchedulerPolicies.TimeSliceWithLoop(few)));

        // 100,000 iterations need far more than the 10,000 instructions of fuel the test gives.
        var many = new TimeSliceContext(8_000_000, 16, 16, 0, 0, 0, 0, 0, 0, 100_000);
        Assert.That(PolicyKit.Run(hook, PolicyKit.Values(many), out _), Is.EqualTo(CilExecStatus.OutOfFuel));
    }

    [TestCase("Constant")]
    [TestCase("ByValue")]
    [TestCase("UsesSystemMath")]
    [TestCase("UsesLocalsAndSwitch")]
    [TestCase("DividesByField")]
    public void OtherGoodShapesTranslate(string method)
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.TestAssembly, "TestPolicies." + method));
        var ctx = new TimeSliceContext(10_000_000, 2, 16, 0, 3_000_000, 0, 0, 0, 1, 3);
        Assert.That(PolicyKit.Run(hook, PolicyKit.Values(ctx), out _), Is.EqualTo(CilExecStatus.Ok));
    }

    [Test]
    public void SwitchAndBoolLocalsComputeAsCSharp()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.TestAssembly, "TestPolicies.UsesLocalsAndSwitch"));
        for (int priority = 0; priority < 6; priority++)
        {
            for (int runnable = 0; runnable < 5; runnable++)
            {
                var ctx = new TimeSliceContext(12_000_000, priority, 16, 0, 0, 0, 0, 0, 1, runnable);
                PolicyKit.Run(hook, PolicyKit.Values(ctx), out long slice);
                Assert.That(slice, Is.EqualTo(TestPolicies.UsesLocalsAndSwitch(ctx)));
            }
        }
    }

    [Test]
    public void DivisionByZeroIsARunTimeFaultNotAVerificationError()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.TestAssembly, "TestPolicies.DividesByField"));
        var ctx = new TimeSliceContext(10_000_000, 16, 16, 0, 0, 0, 0, 0, 1, 0);
        Assert.That(PolicyKit.Run(hook, PolicyKit.Values(ctx), out long result), Is.EqualTo(CilExecStatus.DivideByZero));
        Assert.That(result, Is.Zero);
    }

    [Test]
    public void SignedPatchesCarryAnHmacTheKeyRingAccepts()
    {
        string keyFile = Path.Combine(Path.GetTempPath(), $"nexos-key-{Guid.NewGuid():N}.hex");
        File.WriteAllText(keyFile, "00112233445566778899aabbccddeeff\n0123456789abcdef0123456789abcdef\n");
        try
        {
            byte[] bytes = PatchBuilder.Build(PolicyKit.Options(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice") with { KeyFile = keyFile, KeyId = 9 });
            Assert.That(PatchReader.TryParse(bytes, out Patch? patch, out _), Is.True);
            var ring = new PatchKeyRing();
            ring.TryAdd(new PatchSigningKey(9, PatchBuilder.ReadKey(keyFile)));
            Assert.That(patch!.Signature!.KeyId, Is.EqualTo(9u));
            Assert.That(ring.VerifySignature(patch), Is.True);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [TestCase("Priority", "priority")]
    [TestCase("BasePriority", "base_priority")]
    [TestCase("PolicySliceNs", "policy_slice_ns")]
    [TestCase("LastLatencyNs", "last_latency_ns")]
    [TestCase("IOWait2Ns", "io_wait2_ns")]
    public void FieldNamesMapToSnakeCase(string field, string expected)
        => Assert.That(IlTranslator.SnakeCase(field), Is.EqualTo(expected));

    [Test]
    public void SdkContextStructsMirrorTheHookCatalog()
    {
        AssertMirrors(typeof(TimeSliceContext), HookCatalog.CreateTimeSlice().Signature);
        AssertMirrors(typeof(PriorityContext), HookCatalog.CreatePriority().Signature);
        AssertMirrors(typeof(GcBudgetContext), HookCatalog.CreateGcBudget().Signature);
    }

    private static void AssertMirrors(Type type, HookSignature hook)
    {
        var fields = type.GetFields();
        Assert.That(fields, Has.Length.EqualTo(hook.ContextFieldCount), $"{type.Name} vs {hook.Name}");
        foreach (System.Reflection.FieldInfo field in fields)
        {
            int index = hook.FindField(IlTranslator.SnakeCase(field.Name));
            Assert.That(index, Is.EqualTo(Array.IndexOf(fields, field)), $"{type.Name}.{field.Name}: position in {hook.Name}");
            CilType expected = field.FieldType == typeof(int) ? CilType.Int32 : field.FieldType == typeof(long) ? CilType.Int64 : CilType.Bool;
            Assert.That(hook.ContextFields[index].Type, Is.EqualTo(expected), $"{type.Name}.{field.Name}");
            Assert.That(field.IsInitOnly, Is.True, $"{type.Name}.{field.Name} should be readonly");
        }
    }
}
