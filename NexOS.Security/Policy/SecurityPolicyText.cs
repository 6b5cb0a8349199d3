namespace NexOS.Security.Policy;

/// <summary>
/// The policy table as text, one row per rule and one column per level, exactly as
/// docs/security-policy.md shows it. The kernel shell prints it; a host test parses the
/// Markdown table in the docs and compares every cell with <see cref="Cell"/>, so the
/// documentation cannot drift from the code.
/// </summary>
public static class SecurityPolicyText
{
    /// <summary>Number of rule rows.</summary>
    public const int RuleCount = 14;

    /// <summary>The rule names, in row order (the first column of the docs table).</summary>
    public static string RuleName(int rule) => rule switch
    {
        0 => "PatchableHooks",
        1 => "ChangeableParameters",
        2 => "CilAllowed",
        3 => "CilLoopsAllowed",
        4 => "MaxFuel",
        5 => "MaxCodeBytes",
        6 => "MaxParameterStepBp",
        7 => "CanaryShareBp",
        8 => "CanaryMinSamples",
        9 => "CanaryMaxSamples",
        10 => "CanaryMaxNs",
        11 => "Confidence",
        12 => "Submitters",
        13 => "MaxPatchesPerMinute",
        _ => "unknown",
    };

    /// <summary>The text of one cell: rule <paramref name="rule"/> of <paramref name="policy"/>.</summary>
    public static string Cell(int rule, SecurityPolicy policy) => rule switch
    {
        0 => PolicyNames.Name(policy.PatchableHooks),
        1 => PolicyNames.Name(policy.ChangeableParameters),
        2 => YesNo(policy.CilAllowed),
        3 => YesNo(policy.CilLoopsAllowed),
        4 => policy.MaxFuel.ToString(),
        5 => policy.MaxCodeBytes.ToString(),
        6 => policy.MaxParameterStepBp.ToString(),
        7 => policy.CanaryShareBp.ToString(),
        8 => policy.CanaryMinSamples.ToString(),
        9 => policy.CanaryMaxSamples.ToString(),
        10 => policy.CanaryMaxNs.ToString(),
        11 => Confidence(policy.ConfidenceBp),
        12 => PolicyNames.Name(policy.Submitters),
        13 => policy.MaxPatchesPerMinute.ToString(),
        _ => string.Empty,
    };

    /// <summary>Basis points as a decimal fraction with at least two places: 9000 gives
    /// "0.90", 9990 gives "0.999". Integer arithmetic only, so it prints the same everywhere.</summary>
    public static string Confidence(int basisPoints)
    {
        if (basisPoints < 0 || basisPoints > 10_000)
        {
            return "invalid";
        }

        if (basisPoints == 10_000)
        {
            return "1.00";
        }

        string digits = basisPoints.ToString().PadLeft(4, '0');
        int length = 4;
        while (length > 2 && digits[length - 1] == '0')
        {
            length--;
        }

        return "0." + digits.Substring(0, length);
    }

    private static string YesNo(bool value) => value ? "yes" : "no";
}
