using NexOS.PatchTool;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.External;

/// <summary>
/// `nexos-patch build --level L` answers what the kernel at L answers: a corpus of policies,
/// each for every hook whose shape it fits, signed and unsigned, at all four levels, goes
/// through the tool and, as encoded bytes, through a patch manager set up like the kernel's
/// (its own hook and parameter registrations, the key trusted as `evolve key add` does). The
/// two must agree on accept or refuse, and a refusal must carry the kernel's reason word for word.
/// </summary>
[TestFixture]
public sealed class ToolKernelParityTests
{
    private static readonly SecurityLevel[] s_levels = { SecurityLevel.Permissive, SecurityLevel.Standard, SecurityLevel.Strict, SecurityLevel.Paranoid };

    private static readonly (string Assembly, string Method, string Hook)[] s_corpus =
    {
        (PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice", HookCatalog.TimeSliceName),
        (PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSliceWithLoop", HookCatalog.TimeSliceName),
        (PolicyKit.ExampleAssembly, "SchedulerPolicies.Priority", HookCatalog.PriorityName),
        (PolicyKit.ExampleAssembly, "CollectorPolicies.Budget", HookCatalog.GcBudgetName),
        (PolicyKit.TestAssembly, "TestPolicies.Constant", HookCatalog.TimeSliceName),
        (PolicyKit.TestAssembly, "TestPolicies.ByValue", HookCatalog.TimeSliceName),
        (PolicyKit.TestAssembly, "TestPolicies.UsesSystemMath", HookCatalog.TimeSliceName),
        (PolicyKit.TestAssembly, "TestPolicies.UsesLocalsAndSwitch", HookCatalog.TimeSliceName),
        (PolicyKit.TestAssembly, "TestPolicies.DividesByField", HookCatalog.TimeSliceName),
        (PolicyKit.TestAssembly, "TestPolicies.LongStraightLine", HookCatalog.PriorityName),
        (PolicyKit.TestAssembly, "TestPolicies.CountsUp", HookCatalog.PriorityName),
    };

    [Test]
    public void TheToolsVerdictIsTheKernelsAtEveryLevel()
    {
        int agreed = 0, accepted = 0;
        ulong id = 1000;
        foreach ((string assembly, string method, string hook) in s_corpus)
        {
            foreach (SecurityLevel level in s_levels)
            {
                foreach (bool signed in new[] { true, false })
                {
                    PatchBuildOptions options = PolicyKit.Options(assembly, method, hook, level) with { PatchId = ++id, KeyFile = signed ? PolicyKit.KeyFile : null };
                    string what = $"{method} for {hook} at {level}, {(signed ? "signed" : "unsigned")}";
                    (bool kernelAccepts, string kernelReason) = Kernel(PatchBuilder.Encode(options), level);
                    (bool toolAccepts, string toolReason) = Tool(options);
                    Assert.That(toolAccepts, Is.EqualTo(kernelAccepts), $"{what}: the tool says '{toolReason}', the kernel '{kernelReason}'");
                    if (!kernelAccepts)
                    {
                        Assert.That(toolReason, Is.EqualTo($"a kernel at {PolicyNames.Name(level)} refuses it: {kernelReason}"), what);
                    }

                    agreed++;
                    accepted += kernelAccepts ? 1 : 0;
                }
            }
        }

        TestContext.Out.WriteLine($"measured {agreed} verdicts agreed ({accepted} accepted, {agreed - accepted} refused)");
        Assert.That(accepted, Is.GreaterThan(10).And.LessThan(agreed - 10), "the corpus has both outcomes in numbers");
    }

    [Test]
    public void APriorityPolicyIsRefusedAtStrictByTheHooksClassAsTheKernelDoes()
    {
        // The case that once differed: the tool used to verify the body only, so at Strict it
        // said "verified" for a Policy-class hook the kernel then refused.
        PolicyRejectedException? e = Assert.Throws<PolicyRejectedException>(() =>
            PatchBuilder.Build(PolicyKit.Options(PolicyKit.ExampleAssembly, "SchedulerPolicies.Priority", HookCatalog.PriorityName, SecurityLevel.Strict)));
        Assert.That(e!.Message, Is.EqualTo("a kernel at Strict refuses it: policy: Strict: hook 'sched.priority_adjust' is Policy; patchable hook classes are Tuning"));
        Assert.That(PatchBuilder.Build(PolicyKit.Options(PolicyKit.ExampleAssembly, "SchedulerPolicies.Priority", HookCatalog.PriorityName)), Is.Not.Empty, "Standard takes it");
    }

    [Test]
    public void AStraightLineLongerThanTheHooksFuelIsRefusedUpFront()
    {
        string reason = PolicyKit.Rejection(PolicyKit.TestAssembly, "TestPolicies.LongStraightLine", HookCatalog.PriorityName);
        Assert.That(reason, Does.StartWith("a kernel at Standard refuses it: verifier: IL_0000: 'ret' is reached after ").And.EndWith("a call has fuel for 200 [Fuel]"));
    }

    private static (bool Accepted, string Reason) Kernel(byte[] bytes, SecurityLevel level)
    {
        SubmitResult result = PolicyKit.KernelVerdict(bytes, level);
        string message = result.Message;
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        return (result.Accepted, message.StartsWith("rejected patch ", StringComparison.Ordinal) ? message[(colon + 2)..] : message);
    }

    private static (bool Accepted, string Reason) Tool(PatchBuildOptions options)
    {
        try
        {
            PatchBuilder.Build(options, out string verdict);
            return (true, verdict);
        }
        catch (PolicyRejectedException e)
        {
            return (false, e.Message);
        }
    }
}
