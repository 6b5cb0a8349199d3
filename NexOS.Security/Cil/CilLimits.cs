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

    /// <summary>Creates limits; values above the hard caps are lowered to them. <paramref name="maxFuel"/>
    /// is the fuel one call gets (instructions; unbounded by default), and
    /// <paramref name="requireAssignedLocals"/> asks that no local be read before it is written
    /// (for a body whose author did not ask for zeroed locals; the interpreter zeroes them anyway).</summary>
    public CilLimits(int maxCodeSize, int maxStack, int maxLocals, int maxSwitchTargets, bool allowLoops, long maxFuel = long.MaxValue, bool requireAssignedLocals = false)
    {
        MaxCodeSize = Math.Clamp(maxCodeSize, 0, HardMaxCodeSize);
        MaxStack = Math.Clamp(maxStack, 0, HardMaxStack);
        MaxLocals = Math.Clamp(maxLocals, 0, HardMaxLocals);
        MaxSwitchTargets = Math.Clamp(maxSwitchTargets, 0, HardMaxSwitchTargets);
        AllowLoops = allowLoops;
        MaxFuel = Math.Max(0, maxFuel);
        RequireAssignedLocals = requireAssignedLocals;
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

    /// <summary>The fuel (instructions) one call gets: a body with a path from the entry to ret, or
    /// to its first loop, longer than this is refused, as is one that needs more to reach ret at all.</summary>
    public long MaxFuel { get; }

    /// <summary>Whether a local must be written on every path before it is read.</summary>
    public bool RequireAssignedLocals { get; }

    /// <summary>Returns a copy with loops allowed or not.</summary>
    public CilLimits WithLoops(bool allowLoops) => new(MaxCodeSize, MaxStack, MaxLocals, MaxSwitchTargets, allowLoops, MaxFuel, RequireAssignedLocals);

    /// <summary>Returns a copy with the fuel of one call.</summary>
    public CilLimits WithFuel(long maxFuel) => new(MaxCodeSize, MaxStack, MaxLocals, MaxSwitchTargets, AllowLoops, maxFuel, RequireAssignedLocals);

    /// <summary>Returns a copy that requires locals to be written before they are read, or not.</summary>
    public CilLimits WithAssignedLocals(bool required) => new(MaxCodeSize, MaxStack, MaxLocals, MaxSwitchTargets, AllowLoops, MaxFuel, required);
}
