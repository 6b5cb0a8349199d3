namespace NexOS.Security.Policy;

/// <summary>The four security levels, from most to least trusting of self-modification.</summary>
public enum SecurityLevel : byte
{
    /// <summary>Development: anything in range may change, unsigned external patches accepted.</summary>
    Permissive = 0,

    /// <summary>The default: tuning and policy code may change, external patches must be signed.</summary>
    Standard = 1,

    /// <summary>Only tuning may change, in small steps, with loop-free code.</summary>
    Strict = 2,

    /// <summary>Only the engine may tune parameters, in very small steps; no code patches.</summary>
    Paranoid = 3,
}

/// <summary>How much harm a wrong change to a hook or parameter could do. Each hook and each
/// parameter is given one class when it is registered as a patch target.</summary>
public enum SafetyClass : byte
{
    /// <summary>Performance only (time slices, batch sizes): a bad value is slow, not unsafe.</summary>
    Tuning = 1,

    /// <summary>Decisions with visible effects (admission, priorities, eviction order).</summary>
    Policy = 2,

    /// <summary>Things that can starve, lose data or lock the system up if wrong (watchdogs,
    /// memory reserves, the security policy's own inputs).</summary>
    Critical = 3,
}

/// <summary>A set of safety classes, one bit per class.</summary>
[Flags]
public enum SafetyClassSet : byte
{
    /// <summary>No class.</summary>
    None = 0,

    /// <summary>Contains <see cref="SafetyClass.Tuning"/>.</summary>
    Tuning = 1,

    /// <summary>Contains <see cref="SafetyClass.Policy"/>.</summary>
    Policy = 2,

    /// <summary>Contains <see cref="SafetyClass.Critical"/>.</summary>
    Critical = 4,
}

/// <summary>Who may submit patches.</summary>
public enum SubmitterRule : byte
{
    /// <summary>Only the in-kernel engine.</summary>
    EngineOnly = 1,

    /// <summary>The engine, and external submitters whose signature verifies.</summary>
    EngineAndSignedExternal = 2,

    /// <summary>Anyone; an external signature, if present, must still verify.</summary>
    AnyoneUnsignedAllowed = 3,
}

/// <summary>Names and set membership for the policy enums (no Enum.ToString in the kernel).</summary>
public static class PolicyNames
{
    /// <summary>The name of a level.</summary>
    public static string Name(SecurityLevel level) => level switch
    {
        SecurityLevel.Permissive => "Permissive",
        SecurityLevel.Standard => "Standard",
        SecurityLevel.Strict => "Strict",
        SecurityLevel.Paranoid => "Paranoid",
        _ => "unknown",
    };

    /// <summary>Reads a level from its lower-case name (permissive, standard, strict, paranoid).</summary>
    public static bool TryParseLevel(string name, out SecurityLevel level)
    {
        switch (name)
        {
            case "permissive": level = SecurityLevel.Permissive; return true;
            case "standard": level = SecurityLevel.Standard; return true;
            case "strict": level = SecurityLevel.Strict; return true;
            case "paranoid": level = SecurityLevel.Paranoid; return true;
            default: level = SecurityLevel.Standard; return false;
        }
    }

    /// <summary>The name of a safety class.</summary>
    public static string Name(SafetyClass safetyClass) => safetyClass switch
    {
        SafetyClass.Tuning => "Tuning",
        SafetyClass.Policy => "Policy",
        SafetyClass.Critical => "Critical",
        _ => "unknown",
    };

    /// <summary>The name of a submitter rule.</summary>
    public static string Name(SubmitterRule rule) => rule switch
    {
        SubmitterRule.EngineOnly => "EngineOnly",
        SubmitterRule.EngineAndSignedExternal => "EngineAndSignedExternal",
        SubmitterRule.AnyoneUnsignedAllowed => "AnyoneUnsignedAllowed",
        _ => "unknown",
    };

    /// <summary>The class names in a set, comma-separated, or "none".</summary>
    public static string Name(SafetyClassSet set)
    {
        if (set == SafetyClassSet.None)
        {
            return "none";
        }

        string text = string.Empty;
        for (var c = SafetyClass.Tuning; c <= SafetyClass.Critical; c++)
        {
            if (Contains(set, c))
            {
                text = text.Length == 0 ? Name(c) : text + ", " + Name(c);
            }
        }

        return text;
    }

    /// <summary>True when <paramref name="set"/> contains <paramref name="safetyClass"/>.</summary>
    public static bool Contains(SafetyClassSet set, SafetyClass safetyClass)
        => safetyClass >= SafetyClass.Tuning && safetyClass <= SafetyClass.Critical
            && ((int)set & (1 << ((int)safetyClass - 1))) != 0;
}
