using NexOS.Core.Policy;
using NexOS.Security.Patches;

namespace NexOS.Security.Policy;

/// <summary>
/// Applies a <see cref="SecurityPolicy"/> to a parsed patch: who submitted it (judged by the
/// channel it arrived on, never by what the patch says about itself), replay and
/// rate limits, the target's safety class, and for parameter patches the range and step of
/// every new value against the current one. Contract: never throws, changes nothing, and
/// returns the first rule broken in the order above, so the message names the most basic
/// problem. The CIL body itself is checked afterwards by the CIL verifier, with the limits
/// the allowed decision carries; this checker only enforces "CIL at all" and the size.
/// Messages are built only on refusal, so an allowed check does not allocate.
/// </summary>
public static class PolicyChecker
{
    /// <summary>Checks <paramref name="patch"/> against <paramref name="policy"/>.</summary>
    public static PolicyDecision Check(Patch patch, SecurityPolicy policy, in PolicyContext context)
    {
        PolicyDecision decision = CheckSubmission(patch, policy, context);
        if (!decision.IsAllowed)
        {
            return decision;
        }

        return patch.Kind == PatchKind.Cil ? CheckCil(patch, policy, context) : CheckParameters(patch, policy, context);
    }

    private static PolicyDecision CheckSubmission(Patch patch, SecurityPolicy policy, in PolicyContext context)
    {
        string level = PolicyNames.Name(policy.Level);
        PatchProvenance provenance = patch.Provenance;
        if (context.Channel != PatchOrigin.Engine && provenance.Origin == PatchOrigin.Engine)
        {
            return PolicyDecision.Deny(PolicyRule.Submitter, $"{level}: the patch claims to come from the engine but arrived from outside");
        }

        if (context.Channel != PatchOrigin.Engine && policy.Submitters == SubmitterRule.EngineOnly)
        {
            return PolicyDecision.Deny(PolicyRule.Submitter, $"{level}: only the engine may submit patches; '{provenance.Source}' is external");
        }

        // An unsigned external patch is acceptable only where the level says so, but a
        // signature that is present must verify at every level: a forged one is never benign.
        bool signed = patch.Signature != null;
        if (context.Channel != PatchOrigin.Engine && !signed && policy.Submitters == SubmitterRule.EngineAndSignedExternal)
        {
            return PolicyDecision.Deny(PolicyRule.Signature, $"{level}: external patches must be signed; '{provenance.Source}' sent an unsigned one");
        }

        if (signed && (context.Keys == null || !context.Keys.VerifySignature(patch)))
        {
            return PolicyDecision.Deny(PolicyRule.Signature, $"{level}: the signature with key id {patch.Signature!.KeyId} does not verify");
        }

        if (provenance.PatchId <= context.HighestPatchId)
        {
            return PolicyDecision.Deny(PolicyRule.PatchId, $"{level}: patch id {provenance.PatchId} is not above the last accepted id {context.HighestPatchId}");
        }

        if (context.PatchesInLastMinute >= policy.MaxPatchesPerMinute)
        {
            return PolicyDecision.Deny(PolicyRule.RateLimit, $"{level}: at most {policy.MaxPatchesPerMinute} patches per minute; {context.PatchesInLastMinute} already accepted");
        }

        return PolicyDecision.Allow(policy);
    }

    private static PolicyDecision CheckCil(Patch patch, SecurityPolicy policy, in PolicyContext context)
    {
        string level = PolicyNames.Name(policy.Level);
        if (!policy.CilAllowed)
        {
            return PolicyDecision.Deny(PolicyRule.CilNotAllowed, $"{level}: code patches are not allowed");
        }

        if (!context.Targets.TryFindHook(patch.Target, out SafetyClass hookClass))
        {
            return PolicyDecision.Deny(PolicyRule.UnknownTarget, $"{level}: '{patch.Target}' is not a patchable hook");
        }

        if (!PolicyNames.Contains(policy.PatchableHooks, hookClass))
        {
            return PolicyDecision.Deny(PolicyRule.SafetyClass, $"{level}: hook '{patch.Target}' is {PolicyNames.Name(hookClass)}; patchable hook classes are {PolicyNames.Name(policy.PatchableHooks)}");
        }

        int size = patch.Cil!.Code.Length;
        if (size > policy.MaxCodeBytes)
        {
            return PolicyDecision.Deny(PolicyRule.CodeSize, $"{level}: code of {size} bytes exceeds the limit of {policy.MaxCodeBytes}");
        }

        return PolicyDecision.Allow(policy);
    }

    private static PolicyDecision CheckParameters(Patch patch, SecurityPolicy policy, in PolicyContext context)
    {
        string level = PolicyNames.Name(policy.Level);
        if (!context.Targets.TryFindParameterSet(patch.Target, out ParameterSet? set))
        {
            return PolicyDecision.Deny(PolicyRule.UnknownTarget, $"{level}: '{patch.Target}' is not a patchable parameter set");
        }

        foreach (ParameterChange change in patch.Parameters)
        {
            Parameter? parameter = set!.Find(change.Name);
            if (parameter == null)
            {
                return PolicyDecision.Deny(PolicyRule.UnknownTarget, $"{level}: '{patch.Target}' has no parameter '{change.Name}'");
            }

            SafetyClass parameterClass = context.Targets.ParameterClass(patch.Target, change.Name);
            if (!PolicyNames.Contains(policy.ChangeableParameters, parameterClass))
            {
                return PolicyDecision.Deny(PolicyRule.SafetyClass, $"{level}: parameter '{change.Name}' is {PolicyNames.Name(parameterClass)}; changeable parameter classes are {PolicyNames.Name(policy.ChangeableParameters)}");
            }

            PolicyDecision step = CheckStep(parameter, change.Value, policy, level);
            if (!step.IsAllowed)
            {
                return step;
            }
        }

        return PolicyDecision.Allow(policy);
    }

    // The step limit is a fraction of the range, not of the current value: it works the same
    // for parameters near zero, and the integer arithmetic (128-bit, so a range spanning all
    // of long cannot overflow) gives the same answer in the kernel and on the host.
    private static PolicyDecision CheckStep(Parameter parameter, long value, SecurityPolicy policy, string level)
    {
        if (value < parameter.Min || value > parameter.Max)
        {
            return PolicyDecision.Deny(PolicyRule.OutOfRange, $"{level}: {parameter.Name} = {value} is outside [{parameter.Min}, {parameter.Max}] {parameter.Unit}");
        }

        long current = parameter.Value;
        UInt128 step = (UInt128)(ulong)(value >= current ? value - current : current - value);
        UInt128 range = (UInt128)(ulong)(parameter.Max - parameter.Min);
        UInt128 allowed = range * (UInt128)(ulong)policy.MaxParameterStepBp / 10_000;
        if (step > allowed)
        {
            return PolicyDecision.Deny(PolicyRule.StepTooLarge, $"{level}: {parameter.Name} may move by at most {(ulong)allowed} {parameter.Unit} ({policy.MaxParameterStepBp} bp of its range) per patch; {current} -> {value} moves {(ulong)step}");
        }

        return PolicyDecision.Allow(policy);
    }
}
