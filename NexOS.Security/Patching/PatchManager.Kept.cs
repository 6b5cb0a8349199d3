namespace NexOS.Security.Patching;

/// <summary>
/// The patches from outside whose bytes are kept, so the state keeper can store the active
/// ones and the next boot can submit them again (NexOS.Security.Persistence). Only patches
/// that arrived on the External channel are kept: they carry their own signature, which is
/// checked again when they come back. The engine's own patches are unsigned; a disk that
/// anyone can write must not be able to hand the kernel unsigned code, so they are learned
/// again instead (the learned state is kept).
/// </summary>
public sealed partial class PatchManager
{
    /// <summary>The most bytes of kept patches; the oldest inactive ones go first, then the oldest.</summary>
    public const int MaxKeptBytes = 256 * 1024;

    private readonly List<KeptPatch> _kept = new();

    /// <summary>The kept patches that are active now (serving a hook, also as a canary, or
    /// whose parameter values are in effect), oldest first.</summary>
    public List<KeptPatch> ActiveKeptPatches()
    {
        var active = new List<KeptPatch>();
        foreach (KeptPatch k in _kept)
        {
            if (Current.IsActive(k.PatchId))
            {
                active.Add(k);
            }
        }

        return active;
    }

    /// <summary>Submits as <see cref="Submit(ReadOnlySpan{byte}, Patches.PatchOrigin)"/> does
    /// and keeps the bytes of an accepted patch from outside.</summary>
    internal SubmitResult SubmitAndKeep(ReadOnlySpan<byte> bytes, Patches.PatchOrigin channel)
    {
        SubmitResult result = Submit(bytes, channel);
        if (result.Accepted && channel == Patches.PatchOrigin.External && bytes.Length <= MaxKeptBytes)
        {
            Keep(result.PatchId, bytes.ToArray());
        }

        return result;
    }

    private void Keep(ulong patchId, byte[] bytes)
    {
        int total = bytes.Length;
        for (int i = _kept.Count - 1; i >= 0; i--)
        {
            if (!Current.IsActive(_kept[i].PatchId) || _kept[i].PatchId == patchId)
            {
                _kept.RemoveAt(i);
                continue;
            }

            total += _kept[i].Bytes.Length;
        }

        while (total > MaxKeptBytes && _kept.Count > 0)
        {
            total -= _kept[0].Bytes.Length;
            _kept.RemoveAt(0);
        }

        _kept.Add(new KeptPatch(patchId, bytes));
    }
}

/// <summary>A patch from outside as it arrived (signature included).</summary>
public sealed record KeptPatch(ulong PatchId, byte[] Bytes);
