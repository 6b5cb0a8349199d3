using System.IO;
using NexOS.Examples.Policies;
using NexOS.PatchTool;
using NexOS.Policy;
using NexOS.Security.Cil;
using NexOS.Security.External;
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

        Assert.That(names, Is.EquivalentTo(new[] { "slice_ns", "interactive", "runnable_threads", "priority", "base_priority", "Math.Clamp(int64,int64,int64)" }));
    }

    [Test]
    public void TimeSliceRunsInTheInterpreterExactlyAsCompiledCSharp()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice"));
        var random = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            var ctx = new SchedContext(random.Next(1000), random.Next(32), random.Next(32), random.NextInt64(0, 2_000_000_000),
                random.NextInt64(0, 50_000_000), random.Next(0, 64), random.Next(2) == 1);
            long[] values = { ctx.ThreadId, ctx.BasePriority, ctx.Priority, ctx.SliceNs, ctx.LastRanNs, ctx.RunnableThreads, ctx.Interactive ? 1 : 0 };
            Assert.That(PolicyKit.Run(hook, values, out long slice), Is.EqualTo(CilExecStatus.Ok));
            Assert.That(slice, Is.EqualTo(SchedulerPolicies.TimeSlice(ctx)));
        }
    }

    [Test]
    public void PriorityPolicyRunsExactlyAsCompiledCSharp()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.Priority", "sched.priority"));
        var random = new Random(11);
        for (int i = 0; i < 5000; i++)
        {
            var ctx = new PriorityContext(random.Next(28), random.Next(32), random.NextInt64(0, 20_000_000), random.NextInt64(1, 20_000_000), random.Next(2) == 1);
            long[] values = { ctx.BasePriority, ctx.Priority, ctx.RanNs, ctx.SliceNs, ctx.Blocked ? 1 : 0 };
            Assert.That(PolicyKit.Run(hook, values, out long priority), Is.EqualTo(CilExecStatus.Ok));
            Assert.That(priority, Is.EqualTo(SchedulerPolicies.Priority(ctx)));
        }
    }

    [TestCase("Constant")]
    [TestCase("ByValue")]
    [TestCase("UsesSystemMath")]
    [TestCase("UsesLocalsAndSwitch")]
    [TestCase("DividesByField")]
    public void OtherGoodShapesTranslate(string method)
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.TestAssembly, "TestPolicies." + method));
        Assert.That(PolicyKit.Run(hook, new long[] { 1, 16, 2, 10_000_000, 3_000_000, 3, 0 }, out _), Is.EqualTo(CilExecStatus.Ok));
    }

    [Test]
    public void SwitchAndBoolLocalsComputeAsCSharp()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.TestAssembly, "TestPolicies.UsesLocalsAndSwitch"));
        for (int priority = 0; priority < 6; priority++)
        {
            for (int runnable = 0; runnable < 5; runnable++)
            {
                var ctx = new SchedContext(1, 16, priority, 12_000_000, 0, runnable, false);
                PolicyKit.Run(hook, new long[] { 1, 16, priority, 12_000_000, 0, runnable, 0 }, out long slice);
                Assert.That(slice, Is.EqualTo(TestPolicies.UsesLocalsAndSwitch(ctx)));
            }
        }
    }

    [Test]
    public void DivisionByZeroIsARunTimeFaultNotAVerificationError()
    {
        CompiledHook hook = PolicyKit.Compile(PolicyKit.Build(PolicyKit.TestAssembly, "TestPolicies.DividesByField"));
        Assert.That(PolicyKit.Run(hook, new long[] { 1, 16, 16, 10_000_000, 0, 0, 0 }, out long result), Is.EqualTo(CilExecStatus.DivideByZero));
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
    [TestCase("SliceNs", "slice_ns")]
    [TestCase("LastRanNs", "last_ran_ns")]
    [TestCase("IOWait2Ns", "io_wait2_ns")]
    public void FieldNamesMapToSnakeCase(string field, string expected)
        => Assert.That(IlTranslator.SnakeCase(field), Is.EqualTo(expected));

    [Test]
    public void SdkContextStructsMirrorTheHookCatalog()
    {
        AssertMirrors(typeof(SchedContext), ExternalHookCatalog.SchedTimeSlice);
        AssertMirrors(typeof(PriorityContext), ExternalHookCatalog.SchedPriority);
    }

    private static void AssertMirrors(Type type, HookSignature hook)
    {
        var fields = type.GetFields();
        Assert.That(fields, Has.Length.EqualTo(hook.ContextFieldCount), $"{type.Name} vs {hook.Name}");
        foreach (System.Reflection.FieldInfo field in fields)
        {
            int index = hook.FindField(IlTranslator.SnakeCase(field.Name));
            Assert.That(index, Is.GreaterThanOrEqualTo(0), $"{type.Name}.{field.Name} has no counterpart in {hook.Name}");
            CilType expected = field.FieldType == typeof(int) ? CilType.Int32 : field.FieldType == typeof(long) ? CilType.Int64 : CilType.Bool;
            Assert.That(hook.ContextFields[index].Type, Is.EqualTo(expected), $"{type.Name}.{field.Name}");
            Assert.That(field.IsInitOnly, Is.True, $"{type.Name}.{field.Name} should be readonly");
        }
    }
}
