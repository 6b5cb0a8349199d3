using NexOS.Security.Audit;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Security.Patching;

/// <summary>
/// What a NexOS kernel at a given security level answers to a patch that arrives from outside
/// as its first submission since boot: the host patch tool's verdict. It is not a copy of the
/// kernel's rules but the kernel's own path: a <see cref="PatchManager"/> with the kernel's
/// hooks (<see cref="HookCatalog.RegisterAll"/>) and, when given, the signing key trusted,
/// judging the bytes on channel External. So the tool says "verified" exactly when such a
/// kernel accepts the patch, and otherwise prints the kernel's own reason. What a running
/// kernel adds is its history: the replay rule (ids must rise), the rate limit, quarantined
/// sources, and keys the operator enrolled or did not.
/// </summary>
public static class PatchPreview
{
    /// <summary>Judges <paramref name="patchBytes"/> as a fresh kernel at <paramref name="level"/>
    /// would, with <paramref name="trustedKey"/> (if any) in its key ring. Never throws.</summary>
    public static SubmitResult Judge(ReadOnlySpan<byte> patchBytes, SecurityLevel level, PatchSigningKey? trustedKey)
    {
        var registry = new HookRegistry(static () => 0);
        HookCatalog.RegisterAll(registry);
        var keys = new PatchKeyRing();
        if (trustedKey != null)
        {
            keys.TryAdd(trustedKey);
        }

        var manager = new PatchManager(registry, new AuditTrail(16), keys, new StillHost(), level);
        return manager.Submit(patchBytes, PatchOrigin.External);
    }

    /// <summary>A host with a clock that stands still and no hook calls to hold off.</summary>
    private sealed class StillHost : IEvolveHost
    {
        public ulong NowNs => 0;

        public ulong Enter() => 0;

        public void Leave(ulong state)
        {
        }
    }
}
