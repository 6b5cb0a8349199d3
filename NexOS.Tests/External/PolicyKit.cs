using NexOS.Examples.Policies;
using NexOS.PatchTool;
using NexOS.Policy;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.External;

/// <summary>Shared steps for the patch tool tests: where the compiled policies are, building a
/// patch from one, and running a patch in the interpreter.</summary>
internal static class PolicyKit
{
    /// <summary>The example policy library, built by the SDK as a project reference of the tests.</summary>
    public static string ExampleAssembly => typeof(SchedulerPolicies).Assembly.Location;

    /// <summary>This test assembly, which holds <see cref="TestPolicies"/>.</summary>
    public static string TestAssembly => typeof(TestPolicies).Assembly.Location;

    /// <summary>Options for building <paramref name="method"/>, signed with <see cref="Key"/> (as the
    /// kernel at Standard and Strict requires of a patch from outside).</summary>
    public static PatchBuildOptions Options(string assembly, string method, string hook = "sched.time_slice", SecurityLevel level = SecurityLevel.Standard) => new()
    {
        Level = level,
        AssemblyPath = assembly,
        Method = method,
        Hook = hook,
        Author = "Ada Lovelace",
        Reason = "test",
        GainMetric = "sched_latency_p99",
        ExpectedGainBp = -500,
        PatchId = 42,
        KeyFile = KeyFile,
        KeyId = Key.KeyId,
    };

    /// <summary>A file holding <see cref="KeyHex"/>, as `--key` reads it; written once per test run.</summary>
    public static string KeyFile => s_keyFile.Value;

    private static readonly Lazy<string> s_keyFile = new(() =>
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nexos-test-key-{Environment.ProcessId}.hex");
        System.IO.File.WriteAllText(path, KeyHex + "\n");
        return path;
    });

    /// <summary>An unsigned patch of <paramref name="method"/>, built as for a kernel at Permissive
    /// (the one level that takes unsigned patches from outside; Standard refuses it for that).</summary>
    public static byte[] Build(string assembly, string method, string hook = "sched.time_slice")
        => PatchBuilder.Build(Options(assembly, method, hook, SecurityLevel.Permissive) with { KeyFile = null });

    /// <summary>A signing key the tests trust in the kernel (`evolve key add 9 ...`).</summary>
    public const string KeyHex = "00112233445566778899aabbccddeeff0123456789abcdef";

    /// <summary>The key of <see cref="KeyHex"/>, id 9.</summary>
    public static PatchSigningKey Key => new(9, Convert.FromHexString(KeyHex));

    /// <summary>Builds a policy's patch with id <paramref name="id"/>, signed with <see cref="Key"/> as `--key` does.</summary>
    public static byte[] BuildSigned(string method, string hook, ulong id)
        => PatchBuilder.Build(Options(ExampleAssembly, method, hook) with { PatchId = id });

    /// <summary>What a patch manager set up like the kernel's (<see cref="Security.Patching.EvolutionKit"/>,
    /// its own registrations) at <paramref name="level"/>, with <see cref="Key"/> trusted as
    /// `evolve key add` does, answers to <paramref name="bytes"/> from outside.</summary>
    public static SubmitResult KernelVerdict(byte[] bytes, SecurityLevel level)
    {
        var kit = new Security.Patching.EvolutionKit(level);
        kit.Manager.AddKey(Key);
        return kit.Manager.Submit(bytes, PatchOrigin.External);
    }

    /// <summary>The one-line reason the tool gives for refusing the method.</summary>
    public static string Rejection(string assembly, string method, string hook = "sched.time_slice", SecurityLevel level = SecurityLevel.Standard)
    {
        PolicyRejectedException? e = Assert.Throws<PolicyRejectedException>(() => PatchBuilder.Build(Options(assembly, method, hook, level)));
        Assert.That(e!.Message, Does.Not.Contain("\n"));
        return e.Message;
    }

    /// <summary>Parses and verifies a built patch the way the kernel's patch manager does at Standard.</summary>
    public static CompiledHook Compile(byte[] bytes)
    {
        Assert.That(PatchReader.TryParse(bytes, out Patch? patch, out PatchError error), Is.True, error.Message);
        SecurityPolicy standard = SecurityPolicies.For(SecurityLevel.Standard);
        CompiledHook? hook = PatchManager.VerifyBody(HookCatalog.Create(patch!.Target)!, patch.Cil!, standard.CilLoopsAllowed, standard.MaxCodeBytes, out string reason);
        Assert.That(hook, Is.Not.Null, reason);
        return hook!;
    }

    /// <summary>A time-slice context as the kernel lays it out (HookCatalog field order).</summary>
    public static long[] Values(in TimeSliceContext c)
        => new long[] { c.PolicySliceNs, c.Priority, c.BasePriority, c.Interactivity, c.CpuNs, c.WaitNs, c.BlockedNs, c.LastLatencyNs, c.Switches, c.Runnable };

    /// <summary>A priority context as the kernel lays it out.</summary>
    public static long[] Values(in PriorityContext c)
        => new long[] { c.Priority, c.BasePriority, c.Reason, c.RanNs, c.Interactivity, c.CpuNs };

    /// <summary>A collector-budget context as the kernel lays it out.</summary>
    public static long[] Values(in GcBudgetContext c)
        => new long[] { c.DefaultBudget, c.LiveBytes, c.CommittedBytes, c.TotalAllocated, c.MinBudgetKib, c.GrowthPercent };

    /// <summary>A random time-slice context over the ranges the kernel produces.</summary>
    public static TimeSliceContext RandomSlice(Random r) => new(r.NextInt64(1_000, 2_000_000_000), r.Next(32), r.Next(32), r.Next(101),
        r.NextInt64(0, 1L << 40), r.NextInt64(0, 1L << 40), r.NextInt64(0, 1L << 40), r.NextInt64(0, 50_000_000), r.NextInt64(0, 1L << 30), r.Next(0, 64));

    public static CilExecStatus Run(CompiledHook hook, long[] context, out long result)
    {
        long fuel = 10_000;
        return CilInterpreter.Run(hook, context, ReadOnlySpan<long>.Empty, ref fuel, out result);
    }
}
