using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.Security.Patching;

/// <summary>
/// Mutated CIL bodies submitted through the whole pipeline: whatever the verifier accepts,
/// every hook answer stays in the hook's declared range, nothing throws, and the audit chain
/// stays intact.
/// </summary>
[TestFixture]
public sealed class HookFuzzTests
{
    private static readonly string[] s_seeds = { "slice-short", "priority-floor", "gc-half", "harmful", "div-zero", "loop", "unbalanced" };

    [Test]
    public void AcceptedMutantsNeverEscapeTheHookContract()
    {
        var kit = new EvolutionKit(SecurityLevel.Permissive);
        var random = new Random(11);
        var context = new long[16];
        int accepted = 0;
        int calls = 0;
        for (int i = 0; i < 4000; i++)
        {
            PatchReader.TryParse(SamplePatchCatalog.Build(s_seeds[random.Next(s_seeds.Length)], 1), out Patch? seed, out _);
            byte[] code = seed!.Cil!.Code.ToArray();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                code[random.Next(code.Length)] = (byte)random.Next(256);
            }

            var body = new CilBody(code, seed.Cil.MaxStack, seed.Cil.Locals.ToArray(), seed.Cil.Tokens.ToArray(), Array.Empty<long>());
            var provenance = new PatchProvenance((ulong)(100 + i), 0, PatchOrigin.Engine, "fuzz", "mutant", "m", 0);
            Assert.That(PatchWriter.TryWrite(Patch.ForCil(seed.Target, body, provenance), null, out byte[]? bytes, out _), Is.True);
            kit.NowNs += 2_000_000_000;
            SubmitResult result = kit.Manager.Submit(bytes!, PatchOrigin.Engine);
            if (!result.Accepted)
            {
                continue;
            }

            accepted++;
            PolicyHook hook = kit.Registry.FindHook(seed.Target)!;
            for (int n = 0; n < 20; n++)
            {
                EvolutionKit.Shape(hook.Name, context, random);
                long answer = hook.Invoke(context.AsSpan(0, hook.Signature.ContextFieldCount));
                calls++;
                Assert.That(answer, Is.InRange(hook.MinResult, hook.MaxResult), hook.Name);
            }

            kit.Manager.Tick();
            kit.Manager.RollbackAll();
        }

        TestContext.Out.WriteLine($"{accepted} of 4000 mutants accepted, {calls} calls, {kit.Manager.WatchdogRemovals} watchdog removals");
        Assert.That(accepted, Is.GreaterThan(0), "some mutants verify");
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }
}
