using NexOS.Security.Patches;

namespace NexOS.Security.Policy;

/// <summary>
/// What the checker needs to know besides the patch and the policy: how the patch actually
/// arrived, the registered targets (which also give the current parameter values), the
/// trusted keys, how many patches were accepted in the last minute, and the highest patch id
/// accepted so far. The channel matters because the origin byte inside a patch is written by
/// its maker: only the kernel knows whether bytes came from the engine or from outside.
/// </summary>
public readonly struct PolicyContext
{
    /// <summary>Creates a context.</summary>
    public PolicyContext(PatchOrigin channel, PatchTargets targets, PatchKeyRing? keys, int patchesInLastMinute, ulong highestPatchId)
    {
        Channel = channel;
        Targets = targets;
        Keys = keys;
        PatchesInLastMinute = patchesInLastMinute;
        HighestPatchId = highestPatchId;
    }

    /// <summary>How the patch reached the kernel: from the in-kernel engine's own interface, or
    /// from outside (serial console, network, file).</summary>
    public PatchOrigin Channel { get; }

    /// <summary>Registered hooks and parameter sets.</summary>
    public PatchTargets Targets { get; }

    /// <summary>Keys external signatures are checked against; null means none are trusted.</summary>
    public PatchKeyRing? Keys { get; }

    /// <summary>Patches accepted in the last 60 seconds (see <see cref="PatchRateLimiter"/>).</summary>
    public int PatchesInLastMinute { get; }

    /// <summary>Highest patch id accepted so far; a new patch must have a higher one.</summary>
    public ulong HighestPatchId { get; }
}
