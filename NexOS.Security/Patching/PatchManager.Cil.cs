using NexOS.Security.Audit;
using NexOS.Security.Cil;
using NexOS.Security.Evaluation;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Security.Patching;

/// <summary>The CIL path: token resolution, verification with the policy's limits, canary start.</summary>
public sealed partial class PatchManager
{
    /// <summary>Deepest evaluation stack a hook patch may declare.</summary>
    public const int HookMaxStack = 16;

    /// <summary>
    /// Checks a CIL body against a hook exactly as a submitted patch is checked, without
    /// installing it, with the hook's own fuel budget; see the overload.
    /// </summary>
    public static CompiledHook? VerifyBody(PolicyHook hook, CilBody body, bool loopsAllowed, int maxCodeBytes, out string error)
        => VerifyBody(hook, body, loopsAllowed, maxCodeBytes, hook.FuelBudget, false, out error);

    /// <summary>
    /// Checks a CIL body against a hook exactly as a submitted patch is checked, without
    /// installing it: token table, then <see cref="CilVerifier"/> with the policy's limits and
    /// the fuel one call will get (the smaller of the hook's budget and <paramref name="maxFuel"/>).
    /// <paramref name="requireAssignedLocals"/> adds the check that no local is read before it
    /// is written: the kernel zeroes locals, so it asks this only of a body whose author did
    /// not (the host tool, for a method compiled without localsinit).
    /// Returns the compiled hook, or null and the reason (rule and IL offset) in <paramref name="error"/>.
    /// </summary>
    public static CompiledHook? VerifyBody(PolicyHook hook, CilBody body, bool loopsAllowed, int maxCodeBytes, long maxFuel, bool requireAssignedLocals, out string error)
    {
        var table = new CilTokenTable(hook.Signature);
        foreach (CilToken token in body.Tokens)
        {
            bool isField = hook.Signature.FindField(token.Name) >= 0;
            if (isField != (token.Kind == Patches.CilTokenKind.ContextField))
            {
                error = $"token 0x{token.Token:X8}: '{token.Name}' is declared as a {PatchNames.Name(token.Kind)} but is {(isField ? "a context field" : "not one")} [Token]";
                return null;
            }

            string? tokenError = table.TryAdd(token.Token, token.Name);
            if (tokenError != null)
            {
                error = tokenError + " [Token]";
                return null;
            }
        }

        var locals = new CilType[body.Locals.Length];
        for (int i = 0; i < locals.Length; i++)
        {
            locals[i] = body.Locals[i] == CilLocalType.Int64 ? CilType.Int64 : CilType.Int32;
        }

        var limits = new CilLimits(maxCodeBytes, HookMaxStack, 16, 32, loopsAllowed, Math.Min(hook.FuelBudget, maxFuel), requireAssignedLocals);
        VerificationResult result = CilVerifier.Verify(body.Code, hook.Signature, table, limits, locals, body.MaxStack);
        error = result.IsOk ? string.Empty : result.ToString();
        return result.Hook;
    }

    private SubmitResult SubmitCil(Patch patch, PolicyDecision decision)
    {
        ulong id = patch.Provenance.PatchId;
        int index = HookIndex(patch.Target);
        if (index < 0)
        {
            return Refuse(id, $"no hook '{patch.Target}'");
        }

        PolicyHook hook = Registry.Hooks[index];
        CompiledHook? code = VerifyBody(hook, patch.Cil!, decision.CilLoopsAllowed, decision.CilMaxCodeBytes, decision.CilMaxFuel, false, out string error);
        if (code == null)
        {
            return Refuse(id, "verifier: " + error);
        }

        long fuel = Math.Min(hook.FuelBudget, decision.CilMaxFuel);
        Log(AuditEventKind.Verified, id, Actor, $"{code.InstructionCount} instructions, stack {code.MaxStack}, fuel {fuel}, loops {(decision.CilLoopsAllowed ? "allowed" : "refused")}");
        NoteAccepted(id);
        var evaluator = CanaryEvaluator.ForPolicy(_policy, hook.Direction);
        ulong state = _host.Enter();
        var installed = new InstalledPatch(code, id, fuel, hook.Active, evaluator, _policy.CanaryShareBp, _host.NowNs);
        hook.Swap(installed);
        _host.Leave(state);
        PatchVersion version = AddVersion(id, $"canary of patch {id} on {hook.Name}");
        Log(AuditEventKind.CanaryStarted, id, Actor, $"version {version.Number}: {hook.Name} serves {_policy.CanaryShareBp} bp of calls; metric {hook.MetricName}, {_policy.CanaryMinSamples}..{_policy.CanaryMaxSamples} samples, confidence {_policy.ConfidenceBp} bp");
        return new SubmitResult(true, id, $"patch {id} verified ({code.InstructionCount} instructions); canary on {hook.Name} at {_policy.CanaryShareBp} bp as version {version.Number}");
    }

    private int HookIndex(string name)
    {
        for (int i = 0; i < Registry.Hooks.Count; i++)
        {
            if (Registry.Hooks[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
