namespace NexOS.Security.Patching;

/// <summary>
/// One applied state of the system: which patch serves each hook and every registered
/// parameter's value. Versions are numbered from 0 (the state at boot) and never change;
/// restoring one writes its hooks and parameters back.
/// </summary>
public sealed class PatchVersion
{
    /// <summary>Creates a version.</summary>
    public PatchVersion(int number, ulong patchId, string what, ulong timeNs, InstalledPatch?[] hooks, long[] parameters, ulong[] parameterPatches)
    {
        ParameterPatches = parameterPatches;
        Number = number;
        PatchId = patchId;
        What = what;
        TimeNs = timeNs;
        Hooks = hooks;
        Parameters = parameters;
    }

    /// <summary>0 for the boot state, then +1 per change.</summary>
    public int Number { get; }

    /// <summary>The patch whose step made this state (0 for boot, policy-free restores).</summary>
    public ulong PatchId { get; }

    /// <summary>What happened, e.g. "canary of patch 3 on sched.time_slice".</summary>
    public string What { get; }

    /// <summary>When the state was entered.</summary>
    public ulong TimeNs { get; }

    /// <summary>Installed patch per hook, in registration order.</summary>
    public InstalledPatch?[] Hooks { get; }

    /// <summary>Every parameter's value, in registration order.</summary>
    public long[] Parameters { get; }

    /// <summary>Ids of the parameter patches whose values are in effect in this state.</summary>
    public ulong[] ParameterPatches { get; }

    /// <summary>True when patch <paramref name="patchId"/> serves a hook (on top or below a
    /// canary) or its parameter values are in effect in this state.</summary>
    public bool IsActive(ulong patchId)
    {
        foreach (InstalledPatch? p in Hooks)
        {
            for (InstalledPatch? q = p; q != null; q = q.Previous)
            {
                if (q.PatchId == patchId)
                {
                    return true;
                }
            }
        }

        return Array.IndexOf(ParameterPatches, patchId) >= 0;
    }

    /// <summary>Ids of the patches active in this state, space-separated, or "none".</summary>
    public string ActivePatches()
    {
        string text = string.Empty;
        foreach (ulong id in ParameterPatches)
        {
            text += (text.Length == 0 ? string.Empty : " ") + id + "(parameters)";
        }

        foreach (InstalledPatch? p in Hooks)
        {
            if (p != null)
            {
                text += (text.Length == 0 ? string.Empty : " ") + p.PatchId + (p.IsCanary ? "(canary)" : string.Empty);
            }
        }

        return text.Length == 0 ? "none" : text;
    }
}

/// <summary>The outcome of submitting patch bytes.</summary>
public readonly struct SubmitResult
{
    /// <summary>Creates a result.</summary>
    public SubmitResult(bool accepted, ulong patchId, string message)
    {
        Accepted = accepted;
        PatchId = patchId;
        Message = message;
    }

    /// <summary>True when the patch passed every check and was installed or applied.</summary>
    public bool Accepted { get; }

    /// <summary>The patch's id (0 when the bytes did not parse).</summary>
    public ulong PatchId { get; }

    /// <summary>One line: what happened, or the first rule broken.</summary>
    public string Message { get; }
}

/// <summary>What the manager needs from its home: a clock and a way to keep hook calls out
/// while it reads canary statistics (interrupts off in the kernel).</summary>
public interface IEvolveHost
{
    /// <summary>Monotonic nanoseconds.</summary>
    ulong NowNs { get; }

    /// <summary>Starts a section no hook call can interleave with; returns state for <see cref="Leave"/>.</summary>
    ulong Enter();

    /// <summary>Ends the section <see cref="Enter"/> started.</summary>
    void Leave(ulong state);
}
