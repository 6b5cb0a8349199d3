using NexOS.Examples.Policies;
using NexOS.PatchTool;
using NexOS.Security.Cil;
using NexOS.Security.External;
using NexOS.Security.Patches;

namespace NexOS.Tests.External;

/// <summary>Shared steps for the patch tool tests: where the compiled policies are, building a
/// patch from one, and running a patch in the interpreter.</summary>
internal static class PolicyKit
{
    /// <summary>The example policy library, built by the SDK as a project reference of the tests.</summary>
    public static string ExampleAssembly => typeof(SchedulerPolicies).Assembly.Location;

    /// <summary>This test assembly, which holds <see cref="TestPolicies"/>.</summary>
    public static string TestAssembly => typeof(TestPolicies).Assembly.Location;

    public static PatchBuildOptions Options(string assembly, string method, string hook = "sched.time_slice") => new()
    {
        AssemblyPath = assembly,
        Method = method,
        Hook = hook,
        Author = "Ada Lovelace",
        Reason = "test",
        GainMetric = "sched_latency_p99",
        ExpectedGainBp = -500,
        PatchId = 42,
    };

    public static byte[] Build(string assembly, string method, string hook = "sched.time_slice")
        => PatchBuilder.Build(Options(assembly, method, hook));

    /// <summary>The one-line reason the tool gives for refusing the method.</summary>
    public static string Rejection(string assembly, string method, string hook = "sched.time_slice")
    {
        PolicyRejectedException? e = Assert.Throws<PolicyRejectedException>(() => Build(assembly, method, hook));
        Assert.That(e!.Message, Does.Not.Contain("\n"));
        return e.Message;
    }

    /// <summary>Parses and verifies a built patch the way the kernel's inbox does.</summary>
    public static CompiledHook Compile(byte[] bytes)
    {
        Assert.That(PatchReader.TryParse(bytes, out Patch? patch, out PatchError error), Is.True, error.Message);
        HookSignature hook = ExternalHookCatalog.Find(patch!.Target)!;
        VerificationResult result = ExternalPatchCheck.Verify(patch.Cil!, hook, CilLimits.Default);
        Assert.That(result.IsOk, Is.True, result.ToString());
        return result.Hook!;
    }

    public static CilExecStatus Run(CompiledHook hook, long[] context, out long result)
    {
        long fuel = 10_000;
        return CilInterpreter.Run(hook, context, ReadOnlySpan<long>.Empty, ref fuel, out result);
    }
}
