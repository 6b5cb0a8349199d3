namespace NexOS.Security.Cil;

/// <summary>
/// The bounds a patch must stay within. Each limit is also capped by a hard constant so that
/// the interpreter's stack allocation stays small whatever a caller configures.
/// </summary>
public readonly struct CilLimits
{
    /// <summary>The largest evaluation stack any configuration allows.</summary>
    public const int HardMaxStack = 64;

    /// <summary>The most locals any configuration allows.</summary>
    public const int HardMaxLocals = 64;

    /// <summary>The largest body any configuration allows, in bytes.</summary>
    public const int HardMaxCodeSize = 65536;

    /// <summary>The most switch targets any configuration allows.</summary>
    public const int HardMaxSwitchTargets = 1024;

    /// <summary>Creates limits; values above the hard caps are lowered to them.</summary>
    public CilLimits(int maxCodeSize, int maxStack, int maxLocals, int maxSwitchTargets, bool allowLoops)
    {
        MaxCodeSize = Math.Clamp(maxCodeSize, 0, HardMaxCodeSize);
        MaxStack = Math.Clamp(maxStack, 0, HardMaxStack);
        MaxLocals = Math.Clamp(maxLocals, 0, HardMaxLocals);
        MaxSwitchTargets = Math.Clamp(maxSwitchTargets, 0, HardMaxSwitchTargets);
        AllowLoops = allowLoops;
    }

    /// <summary>The limits for ordinary policy hooks: 1 KiB of code, 16 stack slots, 16 locals, 32 switch targets, no loops.</summary>
    public static CilLimits Default => new(1024, 16, 16, 32, false);

    /// <summary>The largest body, in bytes.</summary>
    public int MaxCodeSize { get; }

    /// <summary>The deepest evaluation stack; the body's own maxStack must not exceed it.</summary>
    public int MaxStack { get; }

    /// <summary>The most locals.</summary>
    public int MaxLocals { get; }

    /// <summary>The most targets in one switch.</summary>
    public int MaxSwitchTargets { get; }

    /// <summary>Whether a branch may go backwards (to its own offset or earlier). Without it every run is bounded by the code size.</summary>
    public bool AllowLoops { get; }

    /// <summary>Returns a copy with loops allowed or not.</summary>
    public CilLimits WithLoops(bool allowLoops) => new(MaxCodeSize, MaxStack, MaxLocals, MaxSwitchTargets, allowLoops);
}
